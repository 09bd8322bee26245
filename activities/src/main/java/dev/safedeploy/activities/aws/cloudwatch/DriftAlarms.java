package dev.safedeploy.activities.aws.cloudwatch;

import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatch.model.ComparisonOperator;
import software.amazon.awssdk.services.cloudwatch.model.Dimension;
import software.amazon.awssdk.services.cloudwatch.model.MetricAlarm;
import software.amazon.awssdk.services.cloudwatch.model.Statistic;
import software.amazon.awssdk.services.cloudwatch.model.Tag;

/**
 * One drift alarm per baselined feature beside the monitoring stack's total_amount alarm: Model Monitor publishes
 * {@code feature_baseline_drift_<feature>} in {@code aws/sagemaker/Endpoints/data-metrics} (dimensions Endpoint and
 * MonitoringSchedule) for every column of the baseline whose constraints emit metrics. The features come from the
 * baseline's statistics.json, so every alarm watches a metric that exists; alarms of features a newer baseline no
 * longer has are deleted.
 */
public final class DriftAlarms {

  public static final String NAMESPACE = "aws/sagemaker/Endpoints/data-metrics";

  private DriftAlarms() {}

  public static String metric(String feature) {
    return "feature_baseline_drift_" + feature;
  }

  /** Creates or updates the feature alarms (not the target's, which the stack owns); returns their names. */
  public static List<String> ensure(CloudWatchClient cw, String endpointName, String scheduleName, String model,
      List<String> features, String target, double threshold) {
    List<String> names = new ArrayList<>();
    List<Dimension> dims = List.of(Dimension.builder().name("Endpoint").value(endpointName).build(),
        Dimension.builder().name("MonitoringSchedule").value(scheduleName).build());
    for (String feature : features) {
      if (feature.equals(target)) {
        continue;
      }
      String name = AlarmNames.featureDrift(endpointName, feature);
      cw.putMetricAlarm(b -> b.alarmName(name)
          .alarmDescription(feature + " drift on " + endpointName + " against the baseline of " + scheduleName)
          .namespace(NAMESPACE).metricName(metric(feature)).dimensions(dims)
          .statistic(Statistic.MAXIMUM).period(3600).evaluationPeriods(1).threshold(threshold)
          .comparisonOperator(ComparisonOperator.GREATER_THAN_THRESHOLD).treatMissingData("notBreaching")
          .tags(Tag.builder().key("safedeploy:model").value(model).build(),
              Tag.builder().key("safedeploy:endpoint").value(endpointName).build()));
      names.add(name);
    }
    List<String> stale = existing(cw, endpointName).stream().filter(n -> !names.contains(n)).toList();
    if (!stale.isEmpty()) {
      cw.deleteAlarms(b -> b.alarmNames(stale));
    }
    return names;
  }

  /** Deletes every feature alarm of the endpoint. */
  public static void deleteAll(CloudWatchClient cw, String endpointName) {
    List<String> all = existing(cw, endpointName);
    for (int i = 0; i < all.size(); i += 100) {
      List<String> batch = all.subList(i, Math.min(all.size(), i + 100));
      cw.deleteAlarms(b -> b.alarmNames(batch));
    }
  }

  private static List<String> existing(CloudWatchClient cw, String endpointName) {
    String prefix = AlarmNames.featureDrift(endpointName, "");
    List<String> out = new ArrayList<>();
    cw.describeAlarmsPaginator(b -> b.alarmNamePrefix(prefix)).metricAlarms().stream()
        .map(MetricAlarm::alarmName).forEach(out::add);
    return out;
  }
}
