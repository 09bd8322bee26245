package dev.safedeploy.workflows.judge;

/**
 * One metric's evidence.
 *
 * @param blueSamples requests (or mirrored pairs) of blue in the window
 * @param greenSamples requests (or mirrored pairs) of green in the window
 * @param test the test that decided (null when too few samples)
 * @param statistic the test's statistic
 * @param pValue the p-value the verdict used (one- or two-sided, per the metric)
 * @param blueValue blue's summary (median latency in ms, p99 in ms, error rate, median prediction)
 * @param greenValue green's summary, same unit
 * @param verdict PASS, FAIL or INCONCLUSIVE
 * @param detail one line a person reads
 */
public record MetricJudgement(
    JudgeMetric metric,
    long blueSamples,
    long greenSamples,
    String test,
    Double statistic,
    Double pValue,
    Double blueValue,
    Double greenValue,
    Verdict verdict,
    String detail) {

  public static MetricJudgement inconclusive(JudgeMetric metric, long blue, long green, String why) {
    return new MetricJudgement(metric, blue, green, null, null, null, null, null, Verdict.INCONCLUSIVE, why);
  }
}
