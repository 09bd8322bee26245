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
 * @param blueQuantiles blue's distribution of the metric's samples (latency in ms, answers), for plots; null for
 *     error rates, with too few samples, and in judgements recorded before it existed
 * @param greenQuantiles green's, the same way
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
    String detail,
    Quantiles blueQuantiles,
    Quantiles greenQuantiles) {

  /** Without distributions (error rates, summaries). */
  public MetricJudgement(JudgeMetric metric, long blueSamples, long greenSamples, String test, Double statistic,
      Double pValue, Double blueValue, Double greenValue, Verdict verdict, String detail) {
    this(metric, blueSamples, greenSamples, test, statistic, pValue, blueValue, greenValue, verdict, detail, null,
        null);
  }

  /** This judgement with the samples' distributions attached. */
  public MetricJudgement withQuantiles(double[] blue, double[] green) {
    return new MetricJudgement(metric, blueSamples, greenSamples, test, statistic, pValue, blueValue, greenValue,
        verdict, detail, Quantiles.of(blue), Quantiles.of(green));
  }

  public static MetricJudgement inconclusive(JudgeMetric metric, long blue, long green, String why) {
    return new MetricJudgement(metric, blue, green, null, null, null, null, null, Verdict.INCONCLUSIVE, why);
  }
}
