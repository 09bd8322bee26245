package dev.safedeploy.workflows.judge;

import java.time.Instant;

/**
 * Judge green against blue on one endpoint over [from, to).
 *
 * @param step the traffic step being judged (for the record)
 * @param pairing which of the window's rows both variants answered (null: a request recorded before it existed)
 */
public record JudgeRequest(
    String endpoint,
    String blueVariant,
    String greenVariant,
    Instant from,
    Instant to,
    String step,
    JudgePolicy policy,
    Pairing pairing) {

  public JudgeRequest {
    policy = policy == null ? JudgePolicy.defaults() : policy;
  }

  /** Without saying how the window's rows were paired. */
  public JudgeRequest(String endpoint, String blueVariant, String greenVariant, Instant from, Instant to, String step,
      JudgePolicy policy) {
    this(endpoint, blueVariant, greenVariant, from, to, step, policy, null);
  }
}
