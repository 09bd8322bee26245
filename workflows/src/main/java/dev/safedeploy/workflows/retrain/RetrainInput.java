package dev.safedeploy.workflows.retrain;

import java.util.List;

/**
 * What a retrain workflow run starts from: a fresh entity ({@link #fresh}) or the state carried over by
 * continue-as-new.
 *
 * @param pending a trigger to act on at once (the schedule workflow starting an entity that was not running)
 * @param disabledBy who disabled retraining (null when enabled)
 */
public record RetrainInput(
    String model,
    RetrainPolicy policy,
    List<RetrainJournalEntry> journal,
    RetrainTrigger pending,
    RetrainTrigger lastCause,
    String disabledBy,
    int runsStarted) {

  public RetrainInput {
    policy = policy == null ? RetrainPolicy.defaults() : policy;
    journal = journal == null ? List.of() : List.copyOf(journal);
  }

  public static RetrainInput fresh(String model) {
    return new RetrainInput(model, null, null, null, null, null, 0);
  }

  public RetrainInput withPending(RetrainTrigger trigger) {
    return new RetrainInput(model, policy, journal, trigger, lastCause, disabledBy, runsStarted);
  }
}
