package dev.safedeploy.platform.serving;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.safedeploy.workflows.json.JsonMapping;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Data capture in SageMaker's JSON-lines format, under {@code <root>/<endpoint>/<variant>/yyyy/MM/dd/HH/*.jsonl}.
 * Invocations only enqueue; one writer thread appends, so capture never slows the request path.
 */
public final class DataCapture implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(DataCapture.class);
  private static final DateTimeFormatter HOUR_DIRS =
      DateTimeFormatter.ofPattern("yyyy/MM/dd/HH").withZone(ZoneOffset.UTC);
  private static final ObjectMapper MAPPER = JsonMapping.mapper();

  /** @param inferenceId the caller's InferenceId (null when none was given) */
  record Event(String endpoint, String variant, Instant at, String inputType, byte[] input, String outputType,
      byte[] output, String inferenceId) {}

  private final Path root;
  private final BlockingQueue<Event> queue = new ArrayBlockingQueue<>(100_000);
  private final AtomicLong submitted = new AtomicLong();
  private final AtomicLong written = new AtomicLong();
  private final Map<Path, Path> currentFile = new HashMap<>();
  private final String writerId = UUID.randomUUID().toString().substring(0, 8);
  private final Thread writer;
  private volatile boolean running = true;

  public DataCapture(Path root) {
    this.root = root;
    this.writer = new Thread(this::run, "data-capture");
    writer.setDaemon(true);
    writer.start();
  }

  public void submit(String endpoint, String variant, Instant at, String inputType, byte[] input, String outputType,
      byte[] output) {
    submit(endpoint, variant, at, inputType, input, outputType, output, null);
  }

  /** @param inferenceId the request's InferenceId, recorded as {@code eventMetadata.inferenceId} (null: none) */
  public void submit(String endpoint, String variant, Instant at, String inputType, byte[] input, String outputType,
      byte[] output, String inferenceId) {
    String id = inferenceId == null || inferenceId.isBlank() ? null : inferenceId.trim();
    if (queue.offer(new Event(endpoint, variant, at, inputType, input, outputType, output, id))) {
      submitted.incrementAndGet();
    } else {
      log.warn("data capture queue full: dropped a capture record of {}/{}", endpoint, variant);
    }
  }

  /** Waits until everything submitted so far is on disk (or the timeout passes). */
  public boolean flush(long timeoutMillis) throws InterruptedException {
    long target = submitted.get();
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    while (written.get() < target) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      Thread.sleep(5);
    }
    return true;
  }

  public Path root() {
    return root;
  }

  private void run() {
    List<Event> batch = new ArrayList<>();
    while (running || !queue.isEmpty()) {
      try {
        Event first = queue.poll(100, TimeUnit.MILLISECONDS);
        if (first == null) {
          continue;
        }
        batch.add(first);
        queue.drainTo(batch, 5_000);
        write(batch);
      } catch (InterruptedException e) {
        running = false;
      } catch (RuntimeException e) {
        log.error("data capture write failed; {} records lost", batch.size(), e);
      } finally {
        written.addAndGet(batch.size());
        batch.clear();
      }
    }
  }

  private void write(List<Event> batch) {
    Map<Path, StringBuilder> byFile = new LinkedHashMap<>();
    for (Event e : batch) {
      Path dir = root.resolve(e.endpoint()).resolve(e.variant()).resolve(HOUR_DIRS.format(e.at()));
      Path file = currentFile.computeIfAbsent(dir,
          d -> d.resolve(e.at().toEpochMilli() + "-" + writerId + ".jsonl"));
      byFile.computeIfAbsent(file, f -> new StringBuilder()).append(line(e)).append('\n');
    }
    byFile.forEach((file, text) -> {
      try {
        Files.createDirectories(file.getParent());
        Files.writeString(file, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
      } catch (IOException ex) {
        throw new UncheckedIOException("cannot append capture file " + file, ex);
      }
    });
  }

  static String line(Event e) {
    ObjectNode root = MAPPER.createObjectNode();
    ObjectNode data = root.putObject("captureData");
    payload(data.putObject("endpointInput"), e.inputType(), "INPUT", e.input());
    payload(data.putObject("endpointOutput"), e.outputType(), "OUTPUT", e.output());
    ObjectNode meta = root.putObject("eventMetadata");
    meta.put("eventId", UUID.randomUUID().toString());
    if (e.inferenceId() != null) {
      meta.put("inferenceId", e.inferenceId());
    }
    meta.put("inferenceTime", e.at().toString());
    root.put("eventVersion", "0");
    return root.toString();
  }

  private static void payload(ObjectNode node, String contentType, String mode, byte[] body) {
    String media = Payloads.mediaType(contentType);
    node.put("observedContentType", contentType == null ? Payloads.CSV : contentType);
    node.put("mode", mode);
    if (Payloads.CSV.equals(media) || Payloads.JSON.equals(media)) {
      node.put("data", new String(body, StandardCharsets.UTF_8));
      node.put("encoding", Payloads.CSV.equals(media) ? "CSV" : "JSON");
    } else {
      node.put("data", Base64.getEncoder().encodeToString(body));
      node.put("encoding", "BASE64");
    }
  }

  @Override
  public void close() {
    running = false;
    try {
      writer.join(2_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
