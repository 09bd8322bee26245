package dev.safedeploy.activities.aws.cloudwatch;

import dev.safedeploy.workflows.retrain.RetrainWorkflow;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatch.model.ComparisonOperator;
import software.amazon.awssdk.services.cloudwatch.model.Dimension;
import software.amazon.awssdk.services.cloudwatch.model.MetricAlarm;
import software.amazon.awssdk.services.cloudwatch.model.Statistic;
import software.amazon.awssdk.services.cloudwatch.model.Tag;

/**
 * The drift alarms of a production endpoint: one per baseline column, on the metric Model Monitor publishes for it
 * ({@code feature_baseline_drift_<column>} in {@value #NAMESPACE}, per endpoint and schedule), above the policy's
 * threshold. Each is tagged {@value AlarmNames#WORKFLOW_TAG} = {@code retrain-<model>}: the alarm bridge turns its
 * ALARM into a signal-with-start of the model's retrain workflow. Owned here rather than by the monitoring stack so
 * that the tag is set on every alarm (CloudFormation cannot tag every alarm it makes, moto none) and so that the set
 * follows the baseline's columns.
 */
public final class DriftAlarms {

  public static final String NAMESPACE = "aws/sagemaker/Endpoints/data-metrics";

  private DriftAlarms() {}

  /**
   * Creates or updates the endpoint's drift alarms for {@code columns} against {@code schedule}'s metrics, and
   * deletes its drift alarms of columns the baseline no longer has; returns the alarms' names.
   */
  public static List<String> ensure(CloudWatchClient cw, String model, String endpointName, String schedule,
      List<String> columns, double threshold) {
    List<Dimension> dims = List.of(Dimension.builder().name("Endpoint").value(endpointName).build(),
        Dimension.builder().name("MonitoringSchedule").value(schedule).build());
    List<Tag> tags = List.of(
        Tag.builder().key(AlarmNames.WORKFLOW_TAG).value(RetrainWorkflow.workflowId(model)).build(),
        Tag.builder().key("safedeploy:endpoint").value(endpointName).build());
    List<String> names = new ArrayList<>();
    for (String column : columns) {
      String name = AlarmNames.drift(endpointName, column);
      cw.putMetricAlarm(b -> b.alarmName(name)
          .alarmDescription(column + " drift on " + endpointName + " against the baseline of " + schedule
              + " (safedeploy: retrains " + model + ")")
          .namespace(NAMESPACE).metricName("feature_baseline_drift_" + column).dimensions(dims)
          .statistic(Statistic.AVERAGE).period(3600).evaluationPeriods(1).threshold(threshold)
          .comparisonOperator(ComparisonOperator.GREATER_THAN_THRESHOLD).treatMissingData("notBreaching")
          .tags(tags));
      // PutMetricAlarm ignores tags when it updates an alarm: tag it either way
      String arn = cw.describeAlarms(b -> b.alarmNames(name)).metricAlarms().get(0).alarmArn();
      cw.tagResource(b -> b.resourceARN(arn).tags(tags));
      names.add(name);
    }
    List<String> stale = existing(cw, endpointName).stream().filter(n -> !names.contains(n)).toList();
    if (!stale.isEmpty()) {
      cw.deleteAlarms(b -> b.alarmNames(stale));
    }
    return names;
  }

  /**
   * Every drift alarm of the endpoint: named {@code <endpoint>-drift-...} and on a drift metric (a version labelled
   * "drift-..." has canary alarms with that prefix too; they are not drift alarms).
   */
  public static List<String> existing(CloudWatchClient cw, String endpointName) {
    List<String> out = new ArrayList<>();
    for (MetricAlarm a : cw.describeAlarmsPaginator(b -> b.alarmNamePrefix(AlarmNames.driftPrefix(endpointName)))
        .metricAlarms()) {
      if (NAMESPACE.equals(a.namespace()) && a.metricName() != null
          && a.metricName().startsWith("feature_baseline_drift_")) {
        out.add(a.alarmName());
      }
    }
    return out;
  }

  /** Deletes every drift alarm of the endpoint (nothing serves it any more). */
  public static void deleteAll(CloudWatchClient cw, String endpointName) {
    List<String> names = existing(cw, endpointName);
    for (int i = 0; i < names.size(); i += 100) {
      List<String> page = names.subList(i, Math.min(names.size(), i + 100));
      cw.deleteAlarms(b -> b.alarmNames(page));
    }
  }
}
