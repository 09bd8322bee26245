package dev.safedeploy.platform.serving;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.safedeploy.workflows.json.JsonMapping;
import java.io.IOException;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
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
import java.util.HashSet;
import java.util.Set;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Data capture in SageMaker's JSON-lines format, under {@code <root>/<endpoint>/<variant>/yyyy/MM/dd/HH/*.jsonl}.
 * Invocations encode their record (a microsecond or two, on the thread that served it) and enqueue the line; one
 * writer thread appends the lines, so capture never waits on the disk in the request path. The writer does no
 * encoding: a writer that did, at 100% capture and tens of thousands of requests a second, took a core for
 * milliseconds every batch and doubled the router's p99 (bench router, 2026-12-04).
 */
public final class DataCapture implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(DataCapture.class);
  private static final DateTimeFormatter HOUR_DIRS =
      DateTimeFormatter.ofPattern("yyyy/MM/dd/HH").withZone(ZoneOffset.UTC);
  private static final ObjectMapper MAPPER = JsonMapping.mapper();

  /** One encoded capture record (its JSON line, newline included) and where it goes. */
  record Event(String endpoint, String variant, Instant at, byte[] line) {}

  private final Path root;
  private static final int MAX_QUEUED = 100_000;
  /** Lock-free: the router's I/O threads never wait on each other or on the writer to enqueue. */
  private final Queue<Event> queue = new ConcurrentLinkedQueue<>();
  private final AtomicInteger queued = new AtomicInteger();
  private final AtomicLong submitted = new AtomicLong();
  private final AtomicLong written = new AtomicLong();
  private final Map<HourKey, Path> currentFile = new HashMap<>();
  private final Set<Path> madeDirs = new HashSet<>();
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
    if (queued.incrementAndGet() <= MAX_QUEUED) {
      byte[] line;
      try {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256 + input.length + output.length);
        try (JsonGenerator g = MAPPER.getFactory().createGenerator(bytes, JsonEncoding.UTF8)) {
          writeRecord(g, at, inputType, input, outputType, output, id);
        }
        bytes.write('\n');
        line = bytes.toByteArray();
      } catch (IOException | RuntimeException e) {
        queued.decrementAndGet();
        log.warn("data capture: cannot encode a record of {}/{}: {}", endpoint, variant, e.toString());
        return;
      }
      queue.add(new Event(endpoint, variant, at, line));
      submitted.incrementAndGet();
    } else {
      queued.decrementAndGet();
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

  /**
   * Wakes every {@value #BATCH_MILLIS} ms and writes what came meanwhile, so a busy endpoint appends hundreds of
   * lines per open file instead of one: the writer shares the machine's cores with the router.
   */
  private static final long BATCH_MILLIS = 20;

  private void run() {
    List<Event> batch = new ArrayList<>();
    while (running || !queue.isEmpty()) {
      try {
        Thread.sleep(BATCH_MILLIS);
      } catch (InterruptedException e) {
        running = false; // what is queued is still written, by the loop's condition
      }
      Event e;
      while (batch.size() < 50_000 && (e = queue.poll()) != null) {
        batch.add(e);
      }
      if (batch.isEmpty()) {
        continue;
      }
      queued.addAndGet(-batch.size());
      try {
        write(batch);
      } catch (RuntimeException ex) {
        log.error("data capture write failed; {} records lost", batch.size(), ex);
      } finally {
        written.addAndGet(batch.size());
        batch.clear();
      }
    }
  }

  /** The capture file of one variant for one hour: named by its first record, as SageMaker names its objects. */
  private record HourKey(String endpoint, String variant, long hour) {}

  private void write(List<Event> batch) {
    Map<Path, ByteArrayOutputStream> byFile = new LinkedHashMap<>();
    for (Event e : batch) {
      long millis = e.at().toEpochMilli();
      Path file = currentFile.computeIfAbsent(new HourKey(e.endpoint(), e.variant(), millis / 3_600_000L),
          k -> root.resolve(e.endpoint()).resolve(e.variant()).resolve(HOUR_DIRS.format(e.at()))
              .resolve(millis + "-" + writerId + ".jsonl"));
      byFile.computeIfAbsent(file, f -> new ByteArrayOutputStream(64 * 1024)).writeBytes(e.line());
    }
    byFile.forEach((file, bytes) -> {
      try {
        if (madeDirs.add(file.getParent())) {
          Files.createDirectories(file.getParent());
        }
        try (OutputStream out = Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
          bytes.writeTo(out);
        }
      } catch (IOException ex) {
        madeDirs.remove(file.getParent());
        throw new UncheckedIOException("cannot append capture file " + file, ex);
      }
    });
  }

  /** One capture record, streamed (no tree): the field order SageMaker's own records have. */
  private static void writeRecord(JsonGenerator g, Instant at, String inputType, byte[] input, String outputType,
      byte[] output, String inferenceId) throws IOException {
    g.writeStartObject();
    g.writeObjectFieldStart("captureData");
    payload(g, "endpointInput", inputType, "INPUT", input);
    payload(g, "endpointOutput", outputType, "OUTPUT", output);
    g.writeEndObject();
    g.writeObjectFieldStart("eventMetadata");
    g.writeStringField("eventId", eventId().toString());
    if (inferenceId != null) {
      g.writeStringField("inferenceId", inferenceId);
    }
    g.writeStringField("inferenceTime", at.toString());
    g.writeEndObject();
    g.writeStringField("eventVersion", "0");
    g.writeEndObject();
  }

  /** A random (version 4) UUID; an id, not a secret, so no SecureRandom draw per captured request. */
  private static UUID eventId() {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    long msb = (r.nextLong() & 0xffffffffffff0fffL) | 0x0000000000004000L;
    long lsb = (r.nextLong() & 0x3fffffffffffffffL) | 0x8000000000000000L;
    return new UUID(msb, lsb);
  }

  private static void payload(JsonGenerator g, String field, String contentType, String mode, byte[] body)
      throws IOException {
    String media = Payloads.mediaType(contentType);
    g.writeObjectFieldStart(field);
    g.writeStringField("observedContentType", contentType == null ? Payloads.CSV : contentType);
    g.writeStringField("mode", mode);
    if (Payloads.CSV.equals(media) || Payloads.JSON.equals(media)) {
      g.writeStringField("data", new String(body, StandardCharsets.UTF_8));
      g.writeStringField("encoding", Payloads.CSV.equals(media) ? "CSV" : "JSON");
    } else {
      g.writeStringField("data", Base64.getEncoder().encodeToString(body));
      g.writeStringField("encoding", "BASE64");
    }
    g.writeEndObject();
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
