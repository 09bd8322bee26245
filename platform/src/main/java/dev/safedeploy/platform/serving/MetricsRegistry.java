package dev.safedeploy.platform.serving;

import dev.safedeploy.platform.alarms.AlarmRules;
import dev.safedeploy.platform.alarms.MetricSource;
import dev.safedeploy.platform.api.AlarmDefinition;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * The platform's CloudWatch: invocation metrics per endpoint and variant (recorded by the router) and published
 * metrics such as drift (recorded by the monitor), answering the alarm evaluator's datapoint queries.
 */
public final class MetricsRegistry implements MetricSource {
  public static final String INVOCATIONS = "Invocations";
  public static final String ERRORS_4XX = "Invocation4XXErrors";
  public static final String ERRORS_5XX = "Invocation5XXErrors";
  public static final String MODEL_LATENCY = "ModelLatency";

  private final Map<String, Map<String, VariantMetrics>> invocations = new ConcurrentHashMap<>();
  /** endpoint -> shadow variant -> its mirrored answers paired with the served ones. */
  private final Map<String, Map<String, PairRing>> pairs = new ConcurrentHashMap<>();
  /** metric|endpoint|variant -> time -> value. */
  private final Map<String, ConcurrentSkipListMap<Long, Double>> published = new ConcurrentHashMap<>();

  public VariantMetrics variant(String endpoint, String variant) {
    return invocations.computeIfAbsent(endpoint, e -> new ConcurrentHashMap<>())
        .computeIfAbsent(variant, v -> new VariantMetrics());
  }

  public void dropEndpoint(String endpoint) {
    invocations.remove(endpoint);
    pairs.remove(endpoint);
  }

  public PairRing pairs(String endpoint, String shadowVariant) {
    return pairs.computeIfAbsent(endpoint, e -> new ConcurrentHashMap<>())
        .computeIfAbsent(shadowVariant, v -> new PairRing(SampleRing.DEFAULT_CAPACITY));
  }

  /** Per shadow variant of the endpoint, its pairs of [from, to). */
  public Map<String, PairRing.Pairs> pairs(String endpoint, long fromMillis, long toMillis) {
    Map<String, PairRing.Pairs> out = new LinkedHashMap<>();
    pairs.getOrDefault(endpoint, Map.of()).forEach((v, ring) -> out.put(v, ring.between(fromMillis, toMillis)));
    return out;
  }

  /** Publishes one datapoint of a custom metric (variant may be null: the endpoint as a whole). */
  public void publish(String metric, String endpoint, String variant, double value, long atMillis) {
    ConcurrentSkipListMap<Long, Double> series =
        published.computeIfAbsent(key(metric, endpoint, variant), k -> new ConcurrentSkipListMap<>());
    series.put(atMillis, value);
    series.headMap(atMillis - 24 * 3600_000L).clear();
  }

  private static String key(String metric, String endpoint, String variant) {
    return metric + "|" + endpoint + "|" + (variant == null ? "" : variant);
  }

  @Override
  public Double datapoint(AlarmDefinition a, long fromMillis, long toMillis) {
    return switch (a.metricName()) {
      case INVOCATIONS, ERRORS_4XX, ERRORS_5XX, MODEL_LATENCY -> invocationDatapoint(a, fromMillis, toMillis);
      default -> publishedDatapoint(a, fromMillis, toMillis);
    };
  }

  private Double invocationDatapoint(AlarmDefinition a, long from, long to) {
    Double pct = AlarmRules.percentile(a.statistic());
    boolean latency = MODEL_LATENCY.equals(a.metricName());
    VariantMetrics.Window w = merged(a.endpoint(), a.variant(), from, to, latency && pct != null);
    if (w.invocations() == 0) {
      return null; // SageMaker publishes no datapoint for a period without invocations
    }
    if (w.invocations() < a.minimumSampleCount()) {
      return null; // too few requests to judge by: a missing datapoint, treated as the alarm says
    }
    if (latency) {
      if (pct != null) {
        return w.latencyPercentileMicros(pct);
      }
      return switch (a.statistic()) {
        case "SampleCount" -> (double) w.invocations();
        case "Sum" -> (double) w.latencySumMicros();
        default -> w.latencyAverageMicros(); // Average; Minimum/Maximum need samples we do not keep
      };
    }
    double sum = switch (a.metricName()) {
      case INVOCATIONS -> w.invocations();
      case ERRORS_4XX -> w.errors4xx();
      default -> w.errors5xx();
    };
    return switch (a.statistic()) {
      case "Average" -> sum / w.invocations(); // per-invocation rate, as CloudWatch averages the 0/1 datapoints
      case "SampleCount" -> (double) w.invocations();
      case "Minimum" -> sum == w.invocations() ? 1.0 : 0.0;
      case "Maximum" -> sum > 0 ? 1.0 : 0.0;
      default -> sum;
    };
  }

  /** Window sums over one variant, or over all of the endpoint's variants when variant is null. */
  public VariantMetrics.Window merged(String endpoint, String variant, long from, long to, boolean histogram) {
    Map<String, VariantMetrics> vs = invocations.getOrDefault(endpoint, Map.of());
    List<VariantMetrics> selected = new ArrayList<>();
    if (variant == null) {
      selected.addAll(vs.values());
    } else if (vs.containsKey(variant)) {
      selected.add(vs.get(variant));
    }
    long inv = 0;
    long e4 = 0;
    long e5 = 0;
    long lat = 0;
    long[] hist = histogram ? new long[LatencyHistogram.BINS] : null;
    for (VariantMetrics m : selected) {
      VariantMetrics.Window w = m.window(from, to, histogram);
      inv += w.invocations();
      e4 += w.errors4xx();
      e5 += w.errors5xx();
      lat += w.latencySumMicros();
      if (histogram) {
        for (int i = 0; i < hist.length; i++) {
          hist[i] += w.histogram()[i];
        }
      }
    }
    return new VariantMetrics.Window(inv, e4, e5, lat, hist);
  }

  private Double publishedDatapoint(AlarmDefinition a, long from, long to) {
    ConcurrentSkipListMap<Long, Double> series = published.get(key(a.metricName(), a.endpoint(), a.variant()));
    if (series == null) {
      return null;
    }
    List<Double> values = new ArrayList<>(series.subMap(from, true, to, false).values());
    if (values.isEmpty()) {
      return null;
    }
    Double pct = AlarmRules.percentile(a.statistic());
    if (pct != null) {
      values.sort(Double::compare);
      int idx = (int) Math.ceil(pct / 100.0 * values.size()) - 1;
      return values.get(Math.max(0, idx));
    }
    double sum = 0;
    double min = Double.MAX_VALUE;
    double max = -Double.MAX_VALUE;
    for (double v : values) {
      sum += v;
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
    return switch (a.statistic()) {
      case "Sum" -> sum;
      case "Minimum" -> min;
      case "Maximum" -> max;
      case "SampleCount" -> (double) values.size();
      default -> sum / values.size();
    };
  }

  /** Per variant (all of the endpoint's, or the one named), the raw samples of [from, to). */
  public Map<String, SampleRing.Samples> samples(String endpoint, String variant, long fromMillis, long toMillis) {
    Map<String, SampleRing.Samples> out = new LinkedHashMap<>();
    invocations.getOrDefault(endpoint, Map.of()).forEach((v, m) -> {
      if (variant == null || variant.equals(v)) {
        out.put(v, m.samples(fromMillis, toMillis));
      }
    });
    return out;
  }

  /** GET /endpoints/{name}/metrics: per variant, the last windowSeconds and totals since the platform started. */
  public Map<String, Object> snapshot(String endpoint, double windowSeconds, long nowMillis) {
    Map<String, Object> out = new LinkedHashMap<>();
    long from = nowMillis - Math.round(windowSeconds * 1000);
    invocations.getOrDefault(endpoint, Map.of()).forEach((variant, m) -> {
      VariantMetrics.Window w = m.window(from, nowMillis + VariantMetrics.BUCKET_MILLIS, true);
      Map<String, Object> v = new LinkedHashMap<>();
      v.put("windowSeconds", windowSeconds);
      v.put(INVOCATIONS, w.invocations());
      v.put(ERRORS_4XX, w.errors4xx());
      v.put(ERRORS_5XX, w.errors5xx());
      v.put("ModelLatencyP50Micros", finite(w.latencyPercentileMicros(50)));
      v.put("ModelLatencyP99Micros", finite(w.latencyPercentileMicros(99)));
      v.put("ModelLatencyAverageMicros", finite(w.latencyAverageMicros()));
      v.put("totalInvocations", m.totalInvocations.get());
      v.put("total4XXErrors", m.total4xx.get());
      v.put("total5XXErrors", m.total5xx.get());
      out.put(variant, v);
    });
    return out;
  }

  private static Double finite(double v) {
    return Double.isNaN(v) ? null : v;
  }
}
