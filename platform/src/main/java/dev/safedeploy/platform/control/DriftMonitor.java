package dev.safedeploy.platform.control;

import com.fasterxml.jackson.databind.JsonNode;
import dev.safedeploy.platform.api.MonitoringSchedule;
import dev.safedeploy.platform.baseline.BaselineAnalyzer;
import dev.safedeploy.platform.serving.DataCapture;
import dev.safedeploy.platform.serving.MetricsRegistry;
import dev.safedeploy.workflows.json.JsonMapping;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Model Monitor's data-quality job, on a schedule: reads the endpoint's captured inputs since the last run, measures
 * each feature's distance to the baseline's distribution, and publishes {@code feature_baseline_drift_<feature>}.
 * When the baseline starts with the target ({@code total_amount}, as the seed's), the endpoint's predictions are
 * measured against it too: {@code feature_baseline_drift_total_amount}.
 */
final class DriftMonitor implements AutoCloseable {
  static final String METRIC_PREFIX = "feature_baseline_drift_";
  static final String TARGET = "total_amount";
  private static final Logger log = LoggerFactory.getLogger(DriftMonitor.class);

  private record Scheduled(MonitoringSchedule schedule, ScheduledFuture<?> future) {}

  private final DataCapture capture;
  private final MetricsRegistry metrics;
  private final Map<String, Scheduled> schedules = new ConcurrentHashMap<>();
  private final Map<String, Long> lastRun = new ConcurrentHashMap<>();
  private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "drift-monitor");
    t.setDaemon(true);
    return t;
  });

  DriftMonitor(DataCapture capture, MetricsRegistry metrics) {
    this.capture = capture;
    this.metrics = metrics;
  }

  MonitoringSchedule get(String name) {
    Scheduled s = schedules.get(name);
    return s == null ? null : s.schedule();
  }

  void schedule(MonitoringSchedule s) {
    long every = Math.max(100, Math.round(s.intervalSeconds() * 1000));
    ScheduledFuture<?> f = executor.scheduleWithFixedDelay(() -> {
      try {
        runOnce(s);
      } catch (RuntimeException e) {
        log.error("monitoring schedule {} failed: {}", s.name(), e.getMessage());
      }
    }, every, every, TimeUnit.MILLISECONDS);
    schedules.put(s.name(), new Scheduled(s, f));
  }

  boolean unschedule(String name) {
    Scheduled s = schedules.remove(name);
    if (s != null) {
      s.future().cancel(false);
    }
    lastRun.remove(name);
    return s != null;
  }

  /** One check over the capture since the previous one; returns the drift published (empty when no new data). */
  synchronized Map<String, Double> runOnce(MonitoringSchedule s) {
    long since = lastRun.getOrDefault(s.name(), s.createdAt().toEpochMilli());
    long now = System.currentTimeMillis();
    String[] features = featureNames(Path.of(s.statisticsPath()));
    // a baseline with the target first (the seed's) measures the model's predictions against it
    boolean target = features.length > 1 && TARGET.equals(features[0]);
    List<float[]> rows = capturedRows(capture.root().resolve(s.endpoint()), since, now, features.length, target);
    lastRun.put(s.name(), now);
    if (rows.isEmpty()) {
      return Map.of();
    }
    Map<String, Double> drift =
        BaselineAnalyzer.drift(Path.of(s.statisticsPath()), features, rows.toArray(new float[0][]));
    drift.forEach((f, v) -> metrics.publish(METRIC_PREFIX + f, s.endpoint(), null, v, now));
    log.info("monitoring schedule {}: {} captured rows, drift {}", s.name(), rows.size(), drift);
    return drift;
  }

  static String[] featureNames(Path statistics) {
    try {
      JsonNode root = JsonMapping.mapper().readTree(statistics.toFile());
      List<String> names = new ArrayList<>();
      root.path("features").forEach(f -> names.add(f.path("name").asText()));
      if (names.isEmpty()) {
        throw new IllegalStateException("statistics " + statistics + " lists no features");
      }
      return names.toArray(new String[0]);
    } catch (IOException e) {
      throw new IllegalStateException("statistics " + statistics + " is not readable: " + e.getMessage(), e);
    }
  }

  /** CSV rows of the captured inputs with inferenceTime in [since, until) and the baseline's width. */
  static List<float[]> capturedRows(Path endpointCapture, long since, long until, int width) {
    return capturedRows(endpointCapture, since, until, width, false);
  }

  /**
   * @param predictionFirst the baseline's first column is the target: each row is the prediction the endpoint
   *     answered, then the request's {@code width - 1} features
   */
  static List<float[]> capturedRows(Path endpointCapture, long since, long until, int width,
      boolean predictionFirst) {
    List<float[]> rows = new ArrayList<>();
    if (!Files.isDirectory(endpointCapture)) {
      return rows;
    }
    List<Path> files;
    try (Stream<Path> walk = Files.walk(endpointCapture)) {
      files = walk.filter(p -> p.toString().endsWith(".jsonl")).filter(p -> {
        try {
          return Files.getLastModifiedTime(p).toMillis() >= since - 1000;
        } catch (IOException e) {
          return false;
        }
      }).toList();
    } catch (IOException e) {
      throw new IllegalStateException("cannot list capture " + endpointCapture + ": " + e.getMessage(), e);
    }
    for (Path f : files) {
      try (BufferedReader in = Files.newBufferedReader(f, StandardCharsets.UTF_8)) {
        String line;
        while ((line = in.readLine()) != null) {
          if (line.isBlank()) {
            continue;
          }
          JsonNode record;
          long at;
          try {
            record = JsonMapping.mapper().readTree(line);
            at = Instant.parse(record.path("eventMetadata").path("inferenceTime").asText()).toEpochMilli();
          } catch (IOException | RuntimeException e) {
            continue; // a line cut short by a crash of the writer
          }
          JsonNode input = record.path("captureData").path("endpointInput");
          if (at < since || at >= until || !"CSV".equals(input.path("encoding").asText())) {
            continue;
          }
          String[] inputs = input.path("data").asText().split("\r?\n");
          String[] predictions = predictionFirst
              ? record.path("captureData").path("endpointOutput").path("data").asText().trim().split("\r?\n")
              : null;
          if (predictions != null && predictions.length != inputs.length) {
            continue; // not a CSV answer of one prediction per row
          }
          int offset = predictionFirst ? 1 : 0;
          for (int k = 0; k < inputs.length; k++) {
            String[] cells = inputs[k].split(",");
            if (cells.length != width - offset) {
              continue;
            }
            float[] r = new float[width];
            try {
              if (predictionFirst) {
                r[0] = Float.parseFloat(predictions[k].trim());
              }
              for (int i = 0; i < cells.length; i++) {
                r[i + offset] = Float.parseFloat(cells[i].trim());
              }
              rows.add(r);
            } catch (NumberFormatException ignored) {
              // a request the model server refused; not part of the served distribution
            }
          }
        }
      } catch (IOException | RuntimeException e) {
        log.warn("capture file {} skipped: {}", f, e.getMessage());
      }
    }
    return rows;
  }

  @Override
  public void close() {
    executor.shutdownNow();
  }
}
