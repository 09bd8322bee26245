package dev.safedeploy.worker.demo;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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
 * router, one row per request, at a fixed rate, and counts answers per variant and status.
 */
public final class TrafficGenerator implements AutoCloseable {

  private final List<String> rows;
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
    try (var lines = Files.lines(testCsv)) {
      rows = lines.filter(l -> !l.isBlank()).map(l -> l.substring(l.indexOf(',') + 1)).toList();
    }
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
          send(rows.get((int) (next.getAndIncrement() % rows.size())));
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

  private void send(String row) {
    HttpRequest request = HttpRequest.newBuilder(target).timeout(Duration.ofSeconds(5))
        .header("Content-Type", "text/csv").POST(HttpRequest.BodyPublishers.ofString(row)).build();
    String key;
    try {
      HttpResponse<Void> response = http.send(request, HttpResponse.BodyHandlers.discarding());
      key = response.headers().firstValue("X-SageMaker-Variant").orElse("-") + " " + response.statusCode();
    } catch (IOException e) {
      key = "- connection error";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    }
    answers.computeIfAbsent(key, k -> new LongAdder()).increment();
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
