package dev.safedeploy.starter.cli;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.safedeploy.workflows.pipeline.DeploymentPolicy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Reads a {@link DeploymentPolicy} from JSON or YAML; absent fields take their defaults. */
public final class PolicyFiles {

  private PolicyFiles() {}

  public static DeploymentPolicy read(Path file) {
    String name = file.getFileName().toString().toLowerCase();
    ObjectMapper mapper = name.endsWith(".json") ? Json.MAPPER : Json.YAML; // YAML is a superset of JSON
    try {
      String text = Files.readString(file);
      if (text.isBlank()) {
        return DeploymentPolicy.defaults();
      }
      return mapper.readValue(text, DeploymentPolicy.class);
    } catch (NoSuchFileException e) {
      throw CliFailure.badArguments("policy file " + file + " does not exist");
    } catch (JsonProcessingException e) {
      JsonLocation at = e.getLocation();
      String where = at == null ? "" : ":" + at.getLineNr() + ":" + at.getColumnNr();
      throw CliFailure.badArguments("policy file " + file + where + ": " + e.getOriginalMessage());
    } catch (IOException e) {
      throw CliFailure.badArguments("cannot read policy file " + file + ": " + e.getMessage());
    }
  }
}
