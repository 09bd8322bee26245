package dev.safedeploy.workflows.retrain;

import java.time.Instant;
import java.util.List;

/**
 * What the {@code status} query answers.
 *
 * @param currentRun workflow id of the open pipeline run ({@code deploy-<model>-<version>}); null when none is open
 * @param currentVersion the version that run deploys
 * @param lastCause the trigger that started the latest retrain run
 * @param coolingDownUntil when the cool-down ends (COOLING_DOWN only)
 * @param runsStarted retrain runs started over the workflow's whole life (across continue-as-new)
 * @param journal the latest {@link RetrainWorkflowImpl#MAX_JOURNAL} entries, oldest first
 */
public record RetrainStatus(
    String model,
    State state,
    String currentRun,
    String currentVersion,
    RetrainTrigger lastCause,
    RetrainPolicy policy,
    Instant coolingDownUntil,
    String disabledBy,
    int runsStarted,
    List<RetrainJournalEntry> journal) {

  public enum State { IDLE, RETRAINING, COOLING_DOWN, DISABLED }
}
