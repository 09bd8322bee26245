package dev.safedeploy.platform.serving;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.safedeploy.workflows.json.JsonMapping;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Ground truth for captured requests, in Model Monitor's merge format: one JSON line per labelled request,
 * {@code {"groundTruthData":{"data":"12.5","encoding":"CSV"},"eventMetadata":{"eventId":"<inferenceId>"},
 * "eventVersion":"0"}}, under {@code <root>/<endpoint>/yyyy/MM/dd/HH/*.jsonl}. The eventId is the InferenceId the
 * request was invoked with; a request of several CSV rows takes one label per row, newline-separated.
 */
public final class GroundTruth {
  private static final ObjectMapper JSON = JsonMapping.mapper();
  private static final DateTimeFormatter HOUR_DIRS =
      DateTimeFormatter.ofPattern("yyyy/MM/dd/HH").withZone(ZoneOffset.UTC);

  /** @param data the label(s) of the request, CSV, one line per row of the request */
  public record Label(String inferenceId, String data) {}

  private GroundTruth() {}

  /** Writes one file of labels (atomically: a reader never sees half a file); returns it. */
  public static Path write(Path root, String endpoint, List<Label> labels, Instant at) {
    if (labels.isEmpty()) {
      throw new IllegalArgumentException("no labels to write");
    }
    StringBuilder text = new StringBuilder();
    for (Label l : labels) {
      if (l.inferenceId() == null || l.inferenceId().isBlank() || l.data() == null || l.data().isBlank()) {
        throw new IllegalArgumentException("a label needs an inferenceId and data, got " + l);
      }
      ObjectNode n = JSON.createObjectNode();
      n.putObject("groundTruthData").put("data", l.data()).put("encoding", "CSV");
      n.putObject("eventMetadata").put("eventId", l.inferenceId());
      n.put("eventVersion", "0");
      text.append(n).append('\n');
    }
    Path dir = root.resolve(endpoint).resolve(HOUR_DIRS.format(at));
    Path file = dir.resolve(at.toEpochMilli() + "-" + UUID.randomUUID().toString().substring(0, 8) + ".jsonl");
    try {
      Files.createDirectories(dir);
      Path tmp = dir.resolve(file.getFileName() + ".tmp");
      Files.writeString(tmp, text, StandardCharsets.UTF_8);
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write ground truth under " + dir, e);
    }
  }

  /** Every label of the endpoint, eventId -> data; the latest file wins for an eventId labelled twice. */
  public static Map<String, String> read(Path root, String endpoint) {
    Map<String, String> labels = new LinkedHashMap<>();
    Path dir = root.resolve(endpoint);
    if (!Files.isDirectory(dir)) {
      return labels;
    }
    List<Path> files;
    try (Stream<Path> walk = Files.walk(dir)) {
      files = walk.filter(p -> p.toString().endsWith(".jsonl")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list ground truth " + dir, e);
    }
    for (Path f : files) {
      try (BufferedReader in = Files.newBufferedReader(f, StandardCharsets.UTF_8)) {
        String line;
        while ((line = in.readLine()) != null) {
          if (line.isBlank()) {
            continue;
          }
          JsonNode n;
          try {
            n = JSON.readTree(line);
          } catch (IOException e) {
            continue; // a line that is not JSON labels nothing
          }
          String id = n.path("eventMetadata").path("eventId").asText(null);
          String data = n.path("groundTruthData").path("data").asText(null);
          if (id != null && data != null) {
            labels.put(id, data);
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read ground truth " + f, e);
      }
    }
    return labels;
  }
}
