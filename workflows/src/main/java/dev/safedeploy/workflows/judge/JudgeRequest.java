package dev.safedeploy.workflows.judge;

import java.time.Instant;

/**
 * Judge green against blue on one endpoint over [from, to).
 *
 * @param step the traffic step being judged (for the record)
 */
public record JudgeRequest(
    String endpoint,
    String blueVariant,
    String greenVariant,
    Instant from,
    Instant to,
    String step,
    JudgePolicy policy) {

  public JudgeRequest {
    policy = policy == null ? JudgePolicy.defaults() : policy;
  }
}
