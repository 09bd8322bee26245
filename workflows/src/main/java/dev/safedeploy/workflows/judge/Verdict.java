package dev.safedeploy.workflows.judge;

/** A metric's or a whole judgement's verdict. Metrics are PASS, FAIL or INCONCLUSIVE; MARGINAL is only overall. */
public enum Verdict {
  PASS,
  MARGINAL,
  FAIL,
  /** Too few samples (fewer than the policy's minimum on either side), or no data to judge. */
  INCONCLUSIVE
}
