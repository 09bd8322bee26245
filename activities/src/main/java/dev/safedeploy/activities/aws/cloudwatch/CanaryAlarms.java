package dev.safedeploy.activities.aws.cloudwatch;

import java.util.List;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatch.model.ComparisonOperator;
import software.amazon.awssdk.services.cloudwatch.model.Dimension;
import software.amazon.awssdk.services.cloudwatch.model.MetricDataQuery;
import software.amazon.awssdk.services.cloudwatch.model.Statistic;
import software.amazon.awssdk.services.cloudwatch.model.Tag;

/**
 * The canary's default rollback alarms of one production variant: Invocation5XXErrors above 0 in a minute,
 * ModelLatency p99 above 500 ms for 2 of 2 minutes, InvocationModelErrors (the model container failed) above 0 in a
 * minute, and 4xx answers above {@value #CLIENT_ERROR_RATE} of the variant's invocations for 2 of 2 minutes (a rate:
 * a few malformed client requests must not roll a good model back, a model refusing what blue accepted must). They are owned here rather than by the prod stack because the
 * workflow arms its alarms before the green variant is added: watching is what makes them exist (PutMetricAlarm is an
 * upsert by name, so arming again is idempotent), and retiring the variant deletes them.
 */
public final class CanaryAlarms {

  /** 500 ms in the microseconds SageMaker reports ModelLatency in. */
  public static final double LATENCY_P99_MICROS = 500_000;
  public static final double CLIENT_ERROR_RATE = 0.05;

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
    cw.putMetricAlarm(b -> b.alarmName(AlarmNames.modelErrors(endpointName, variant))
        .alarmDescription("model errors of variant " + variant + " on " + endpointName + " (safedeploy canary)")
        .namespace("AWS/SageMaker").metricName("InvocationModelErrors").dimensions(dims)
        .statistic(Statistic.SUM).period(60).evaluationPeriods(1).threshold(0.0)
        .comparisonOperator(ComparisonOperator.GREATER_THAN_THRESHOLD).treatMissingData("notBreaching").tags(tags));
    cw.putMetricAlarm(b -> b.alarmName(AlarmNames.clientErrorRate(endpointName, variant))
        .alarmDescription("share of 4xx answers of variant " + variant + " on " + endpointName
            + " (safedeploy canary)")
        .metrics(sum("e4", "Invocation4XXErrors", dims), sum("inv", "Invocations", dims),
            MetricDataQuery.builder().id("rate").expression("IF(inv > 0, e4 / inv, 0)")
                .label("4xx share").returnData(true).build())
        .evaluationPeriods(2).datapointsToAlarm(2).threshold(CLIENT_ERROR_RATE)
        .comparisonOperator(ComparisonOperator.GREATER_THAN_THRESHOLD).treatMissingData("notBreaching").tags(tags));
  }

  private static MetricDataQuery sum(String id, String metric, List<Dimension> dims) {
    return MetricDataQuery.builder().id(id).returnData(false).metricStat(s -> s.stat("Sum").period(60)
        .metric(m -> m.namespace("AWS/SageMaker").metricName(metric).dimensions(dims))).build();
  }

  /** Deletes the variant's canary alarms; alarms already gone are fine (DeleteAlarms ignores unknown names). */
  public static void delete(CloudWatchClient cw, String endpointName, String variant) {
    cw.deleteAlarms(b -> b.alarmNames(AlarmNames.canary(endpointName, variant)));
  }
}
