package dev.safedeploy.worker.demo;

import dev.safedeploy.platform.client.PlatformClient;
import dev.safedeploy.platform.serving.GroundTruth;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Live traffic for the demo: replays the test set (target column stripped, as a client would send it) against the
 * router, one row per request, at a fixed rate, and counts answers per variant and status. Labelled traffic also
 * names each request (an InferenceId) and reports its ground truth (the row's target) to the platform, as a business
 * that learns the real fare after the trip would.
 */
public final class TrafficGenerator implements AutoCloseable {

  private static final int LABEL_BATCH = 100;

  private final List<String> rows;
  private final List<String> targets;
  private final PlatformClient labels;
  private final String idPrefix;
  private final String endpoint;
  private final List<GroundTruth.Label> pendingLabels = new ArrayList<>();
  private final LongAdder labelled = new LongAdder();
  private final URI target;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final ExecutorService threads;
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final AtomicLong next = new AtomicLong();
  private final Map<String, LongAdder> answers = new ConcurrentHashMap<>();
  private final int ratePerSecond;
  private final int senders;

  /** @param testCsv header-less, target-first rows */
  public TrafficGenerator(Path testCsv, URI routerUrl, String endpoint, int ratePerSecond, int senders)
      throws IOException {
    this(testCsv, routerUrl, endpoint, ratePerSecond, senders, null, null);
  }

  /**
   * @param labels where ground truth goes (null: unlabelled traffic)
   * @param idPrefix the InferenceIds' prefix ({@code <prefix>-<n>}), unique to this traffic
   */
  public TrafficGenerator(Path testCsv, URI routerUrl, String endpoint, int ratePerSecond, int senders,
      PlatformClient labels, String idPrefix) throws IOException {
    List<String> lines;
    try (var stream = Files.lines(testCsv)) {
      lines = stream.filter(l -> !l.isBlank()).toList();
    }
    rows = lines.stream().map(l -> l.substring(l.indexOf(',') + 1)).toList();
    targets = lines.stream().map(l -> l.substring(0, l.indexOf(','))).toList();
    this.labels = labels;
    this.idPrefix = idPrefix;
    this.endpoint = endpoint;
    if (rows.isEmpty()) {
      throw new IllegalArgumentException(testCsv + ": no rows to replay");
    }
    this.target = routerUrl.resolve("/endpoints/" + endpoint + "/invocations");
    this.ratePerSecond = ratePerSecond;
    this.senders = senders;
    this.threads = Executors.newFixedThreadPool(senders, r -> {
      Thread t = new Thread(r, "demo-traffic");
      t.setDaemon(true);
      return t;
    });
  }

  public void start() {
    long intervalNanos = TimeUnit.SECONDS.toNanos(1) * senders / ratePerSecond;
    for (int i = 0; i < senders; i++) {
      threads.submit(() -> {
        long due = System.nanoTime();
        while (running.get()) {
          long n = next.getAndIncrement();
          int row = (int) (n % rows.size());
          send(rows.get(row), labels == null ? null : idPrefix + "-" + n, targets.get(row));
          due += intervalNanos;
          long wait = due - System.nanoTime();
          if (wait > 0) {
            try {
              TimeUnit.NANOSECONDS.sleep(wait);
            } catch (InterruptedException e) {
              return;
            }
          } else {
            due = System.nanoTime();
          }
        }
      });
    }
  }

  private void send(String row, String inferenceId, String truth) {
    HttpRequest.Builder b = HttpRequest.newBuilder(target).timeout(Duration.ofSeconds(5))
        .header("Content-Type", "text/csv").POST(HttpRequest.BodyPublishers.ofString(row));
    if (inferenceId != null) {
      b.header("X-Amzn-SageMaker-Inference-Id", inferenceId);
    }
    String key;
    try {
      HttpResponse<Void> response = http.send(b.build(), HttpResponse.BodyHandlers.discarding());
      key = response.headers().firstValue("X-SageMaker-Variant").orElse("-") + " " + response.statusCode();
      if (inferenceId != null && response.statusCode() == 200) {
        label(new GroundTruth.Label(inferenceId, truth));
      }
    } catch (IOException e) {
      key = "- connection error";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    }
    answers.computeIfAbsent(key, k -> new LongAdder()).increment();
  }

  private void label(GroundTruth.Label l) {
    List<GroundTruth.Label> batch = null;
    synchronized (pendingLabels) {
      pendingLabels.add(l);
      if (pendingLabels.size() >= LABEL_BATCH) {
        batch = new ArrayList<>(pendingLabels);
        pendingLabels.clear();
      }
    }
    if (batch != null) {
      report(batch);
    }
  }

  /** Reports the labels not reported yet (the demo calls it before a retrain reads them). */
  public void flushLabels() {
    List<GroundTruth.Label> batch;
    synchronized (pendingLabels) {
      batch = new ArrayList<>(pendingLabels);
      pendingLabels.clear();
    }
    if (!batch.isEmpty()) {
      report(batch);
    }
  }

  private void report(List<GroundTruth.Label> batch) {
    try {
      labels.putGroundTruth(endpoint, batch);
      labelled.add(batch.size());
    } catch (RuntimeException e) {
      // labels are best effort, like a business's late feed: a lost batch only means fewer rows to learn from
      answers.computeIfAbsent("- ground truth lost", k -> new LongAdder()).add(batch.size());
    }
  }

  /** Requests whose ground truth was reported. */
  public long labelled() {
    return labelled.sum();
  }

  /** Answers so far, keyed "variant status" (e.g. "v1 200", "v2 500"). */
  public Map<String, Long> answers() {
    Map<String, Long> out = new java.util.TreeMap<>();
    answers.forEach((k, v) -> out.put(k, v.sum()));
    return out;
  }

  @Override
  public void close() {
    running.set(false);
    threads.shutdownNow();
  }
}
