package dev.safedeploy.activities.aws.judge;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatch.model.Dimension;
import software.amazon.awssdk.services.cloudwatch.model.GetMetricDataResponse;
import software.amazon.awssdk.services.cloudwatch.model.MetricDataQuery;
import software.amazon.awssdk.services.cloudwatch.model.MetricDataResult;

/**
 * What CloudWatch keeps of a variant over a window, from one GetMetricData call (paged): the {@code AWS/SageMaker}
 * Invocations and Invocation5XXErrors summed, and ModelLatency's average per 60-second period. The window is widened
 * to whole minutes (CloudWatch aggregates by the minute).
 */
final class VariantMetrics {
  static final int PERIOD_SECONDS = 60;
  private static final String NAMESPACE = "AWS/SageMaker";

  /**
   * @param latencyMillis ModelLatency's per-minute averages, in milliseconds (CloudWatch records microseconds), one
   *     per minute that had invocations
   */
  record Counts(long invocations, long errors, double[] latencyMillis) {}

  private final CloudWatchClient cloudWatch;

  VariantMetrics(CloudWatchClient cloudWatch) {
    this.cloudWatch = cloudWatch;
  }

  Map<String, Counts> read(String endpoint, List<String> variants, Instant from, Instant to) {
    Instant start = from.truncatedTo(ChronoUnit.MINUTES);
    Instant end = to.truncatedTo(ChronoUnit.MINUTES).equals(to) ? to
        : to.truncatedTo(ChronoUnit.MINUTES).plus(1, ChronoUnit.MINUTES);
    if (!end.isAfter(start)) {
      end = start.plus(1, ChronoUnit.MINUTES);
    }
    List<MetricDataQuery> queries = new ArrayList<>();
    for (int i = 0; i < variants.size(); i++) {
      queries.add(query("inv" + i, endpoint, variants.get(i), "Invocations", "Sum"));
      queries.add(query("err" + i, endpoint, variants.get(i), "Invocation5XXErrors", "Sum"));
      queries.add(query("lat" + i, endpoint, variants.get(i), "ModelLatency", "Average"));
    }
    Map<String, List<Double>> values = new LinkedHashMap<>();
    String token = null;
    Instant s = start;
    Instant e = end;
    do {
      String t = token;
      GetMetricDataResponse r = cloudWatch.getMetricData(b -> b.metricDataQueries(queries).startTime(s).endTime(e)
          .nextToken(t));
      for (MetricDataResult m : r.metricDataResults()) {
        values.computeIfAbsent(m.id(), k -> new ArrayList<>()).addAll(m.values());
      }
      token = r.nextToken();
    } while (token != null);
    Map<String, Counts> out = new LinkedHashMap<>();
    for (int i = 0; i < variants.size(); i++) {
      long invocations = Math.round(sum(values.get("inv" + i)));
      long errors = Math.round(sum(values.get("err" + i)));
      double[] latency = values.getOrDefault("lat" + i, List.of()).stream().mapToDouble(v -> v / 1000.0).toArray();
      // a 5xx is an invocation too; should the two counts disagree (they are published separately), the errors stand
      out.put(variants.get(i), new Counts(Math.max(invocations, errors), errors, latency));
    }
    return out;
  }

  private static MetricDataQuery query(String id, String endpoint, String variant, String metric, String stat) {
    return MetricDataQuery.builder().id(id).returnData(true).metricStat(ms -> ms.period(PERIOD_SECONDS).stat(stat)
        .metric(m -> m.namespace(NAMESPACE).metricName(metric).dimensions(
            Dimension.builder().name("EndpointName").value(endpoint).build(),
            Dimension.builder().name("VariantName").value(variant).build()))).build();
  }

  private static double sum(List<Double> v) {
    return v == null ? 0 : v.stream().mapToDouble(Double::doubleValue).sum();
  }
}
