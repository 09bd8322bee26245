package dev.safedeploy.starter.cli;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.safedeploy.workflows.pipeline.DeploymentPolicy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** Reads a {@link DeploymentPolicy} from JSON or YAML; absent fields take their defaults. */
public final class PolicyFiles {

  private PolicyFiles() {}

  /** ":line": where the field is written when we know it (YAML parsers report the token after it), else the parser's. */
  private static String lineOf(Path file, String field, JsonLocation at) {
    if (field != null) {
      try {
        List<String> lines = Files.readAllLines(file);
        Pattern key = Pattern.compile("^\\s*(- )?[\"']?" + Pattern.quote(field) + "[\"']?\\s*:");
        for (int i = 0; i < lines.size(); i++) {
          if (key.matcher(lines.get(i)).find()) {
            return ":" + (i + 1);
          }
        }
      } catch (IOException e) {
        // fall back to the parser's location
      }
    }
    return at == null || at.getLineNr() < 1 ? "" : ":" + at.getLineNr();
  }

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
    } catch (UnrecognizedPropertyException e) {
      String field = e.getPropertyName();
      throw CliFailure.badArguments("policy file " + file + lineOf(file, field, e.getLocation()) + ": unknown field '"
          + field + "' (known: " + e.getKnownPropertyIds().stream().map(String::valueOf).sorted()
          .collect(Collectors.joining(", ")) + ")");
    } catch (JsonMappingException e) {
      String field = e.getPath().isEmpty() ? null : e.getPath().get(e.getPath().size() - 1).getFieldName();
      throw CliFailure.badArguments("policy file " + file + lineOf(file, field, e.getLocation()) + ": "
          + (field == null ? "" : "field '" + field + "': ") + e.getOriginalMessage());
    } catch (JsonProcessingException e) {
      throw CliFailure.badArguments("policy file " + file + lineOf(file, null, e.getLocation()) + ": "
          + e.getOriginalMessage());
    } catch (IOException e) {
      throw CliFailure.badArguments("cannot read policy file " + file + ": " + e.getMessage());
    }
  }
}
