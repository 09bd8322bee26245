package dev.safedeploy.activities.aws.cloudwatch;

import java.util.List;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatch.model.ComparisonOperator;
import software.amazon.awssdk.services.cloudwatch.model.Dimension;
import software.amazon.awssdk.services.cloudwatch.model.Statistic;
import software.amazon.awssdk.services.cloudwatch.model.Tag;

/**
 * The canary's default rollback alarms of one production variant: Invocation5XXErrors above 0 in a minute, and
 * ModelLatency p99 above 500 ms for 2 of 2 minutes. They are owned here rather than by the prod stack because the
 * workflow arms its alarms before the green variant is added: watching is what makes them exist (PutMetricAlarm is an
 * upsert by name, so arming again is idempotent), and retiring the variant deletes them.
 */
public final class CanaryAlarms {

  /** 500 ms in the microseconds SageMaker reports ModelLatency in. */
  public static final double LATENCY_P99_MICROS = 500_000;

  private CanaryAlarms() {}

  public static void ensure(CloudWatchClient cw, String endpointName, String variant, String workflowId) {
    List<Dimension> dims = List.of(Dimension.builder().name("EndpointName").value(endpointName).build(),
        Dimension.builder().name("VariantName").value(variant).build());
    List<Tag> tags = List.of(Tag.builder().key(AlarmNames.WORKFLOW_TAG).value(workflowId).build(),
        Tag.builder().key("safedeploy:endpoint").value(endpointName).build());
    cw.putMetricAlarm(b -> b.alarmName(AlarmNames.variant5xx(endpointName, variant))
        .alarmDescription("5xx errors of variant " + variant + " on " + endpointName + " (safedeploy canary)")
        .namespace("AWS/SageMaker").metricName("Invocation5XXErrors").dimensions(dims)
        .statistic(Statistic.SUM).period(60).evaluationPeriods(1).threshold(0.0)
        .comparisonOperator(ComparisonOperator.GREATER_THAN_THRESHOLD).treatMissingData("notBreaching").tags(tags));
    cw.putMetricAlarm(b -> b.alarmName(AlarmNames.latencyP99(endpointName, variant))
        .alarmDescription("ModelLatency p99 of variant " + variant + " on " + endpointName + " (safedeploy canary)")
        .namespace("AWS/SageMaker").metricName("ModelLatency").dimensions(dims)
        .extendedStatistic("p99").period(60).evaluationPeriods(2).datapointsToAlarm(2).threshold(LATENCY_P99_MICROS)
        .comparisonOperator(ComparisonOperator.GREATER_THAN_THRESHOLD).treatMissingData("notBreaching").tags(tags));
  }

  /** Deletes the variant's canary alarms; alarms already gone are fine (DeleteAlarms ignores unknown names). */
  public static void delete(CloudWatchClient cw, String endpointName, String variant) {
    cw.deleteAlarms(b -> b.alarmNames(AlarmNames.canary(endpointName, variant)));
  }
}
