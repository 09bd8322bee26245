package dev.safedeploy.platform.serving;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.safedeploy.workflows.json.JsonMapping;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Reads the CSV requests {@link DataCapture} wrote for an endpoint (every variant), oldest file first. */
public final class CapturedRequests {
  private static final ObjectMapper JSON = JsonMapping.mapper();

  /**
   * One captured CSV request.
   *
   * @param inferenceId the caller's InferenceId, or null
   * @param eventId the capture's own id
   * @param input the request rows (features, no target)
   * @param output the answer (predictions, one per row)
   */
  public record Request(String variant, String inferenceId, String eventId, Instant at, String input,
      String output) {

    /** The id ground truth names the request by: the InferenceId when there is one, as in Model Monitor. */
    public String joinId() {
      return inferenceId != null ? inferenceId : eventId;
    }
  }

  private CapturedRequests() {}

  /** @param root the capture root ({@code <home>/capture}) */
  public static List<Request> read(Path root, String endpoint) {
    List<Request> out = new ArrayList<>();
    Path dir = root.resolve(endpoint);
    if (!Files.isDirectory(dir)) {
      return out;
    }
    List<Path> files;
    try (Stream<Path> walk = Files.walk(dir)) {
      files = walk.filter(p -> p.toString().endsWith(".jsonl")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list capture " + dir, e);
    }
    for (Path f : files) {
      String variant = dir.relativize(f).getName(0).toString();
      try (BufferedReader in = Files.newBufferedReader(f, StandardCharsets.UTF_8)) {
        String line;
        while ((line = in.readLine()) != null) {
          if (line.isBlank()) {
            continue;
          }
          try {
            JsonNode r = JSON.readTree(line);
            JsonNode input = r.path("captureData").path("endpointInput");
            JsonNode output = r.path("captureData").path("endpointOutput");
            if (!"CSV".equals(input.path("encoding").asText())) {
              continue;
            }
            JsonNode meta = r.path("eventMetadata");
            out.add(new Request(variant, meta.path("inferenceId").asText(null), meta.path("eventId").asText(null),
                Instant.parse(meta.path("inferenceTime").asText()), input.path("data").asText(),
                output.path("data").asText()));
          } catch (IOException | RuntimeException e) {
            // a line cut short by a crash of the writer
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read capture " + f, e);
      }
    }
    return out;
  }
}
