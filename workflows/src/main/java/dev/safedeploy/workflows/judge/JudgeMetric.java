package dev.safedeploy.workflows.judge;

/** What the canary judge compares between green and blue over a bake window. */
public enum JudgeMetric {
  /** Share of invocations answered 5xx: two-proportion z test, Fisher's exact test for small counts; one-sided. */
  ERROR_RATE,
  /** Per-request latency: Mann-Whitney U, one-sided (green slower), and green's median over blue's by the tolerance. */
  LATENCY_P50,
  /**
   * The latency tail: the share of requests slower than blue's p99, green against blue's 1%, as a two-proportion
   * test, one-sided.
   */
  LATENCY_P99,
  /** The distribution of the answers (predictions) over live traffic: Mann-Whitney U, two-sided. */
  PREDICTION,
  /**
   * Green's answers against blue's on the same mirrored rows (the shadow bake's, and the paired canary's at every
   * canary step): fails on a shift (Wilcoxon signed-rank, two-sided, and the median absolute difference over the
   * tolerance) or when more than half of the rows differ by more than the tolerance either way (one-sided sign test).
   * Inconclusive without mirrored pairs.
   */
  PREDICTION_PAIRED
}
