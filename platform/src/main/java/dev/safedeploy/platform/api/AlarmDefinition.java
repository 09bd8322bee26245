package dev.safedeploy.platform.api;

/**
 * A CloudWatch-style metric alarm on one endpoint (and variant; null variant aggregates all variants).
 *
 * @param metricName Invocations, Invocation4XXErrors, Invocation5XXErrors, ModelLatency (microseconds, as
 *     SageMaker publishes it) or a published metric such as feature_baseline_drift_total_amount
 * @param statistic Sum, Average, Minimum, Maximum, SampleCount or pNN (p50, p99, ...)
 * @param comparisonOperator GreaterThanThreshold, GreaterThanOrEqualToThreshold, LessThanThreshold,
 *     LessThanOrEqualToThreshold
 * @param treatMissingData missing, ignore, breaching, notBreaching
 * @param minimumSampleCount for invocation metrics: a period with fewer invocations gives no datapoint (0: any), so
 *     an Average (a rate) over one or two requests cannot alarm
 */
public record AlarmDefinition(String name, String metricName, String endpoint, String variant, String statistic,
    double periodSeconds, int evaluationPeriods, int datapointsToAlarm, double threshold, String comparisonOperator,
    String treatMissingData, int minimumSampleCount) {

  public AlarmDefinition(String name, String metricName, String endpoint, String variant, String statistic,
      double periodSeconds, int evaluationPeriods, int datapointsToAlarm, double threshold, String comparisonOperator,
      String treatMissingData) {
    this(name, metricName, endpoint, variant, statistic, periodSeconds, evaluationPeriods, datapointsToAlarm,
        threshold, comparisonOperator, treatMissingData, 0);
  }
}
