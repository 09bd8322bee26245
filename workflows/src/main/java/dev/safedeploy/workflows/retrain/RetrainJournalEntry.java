package dev.safedeploy.workflows.retrain;

import dev.safedeploy.workflows.pipeline.Outcome;
import java.time.Instant;

/**
 * One thing the retrain workflow did or declined to do.
 *
 * @param at workflow time it happened
 * @param event what happened
 * @param trigger the trigger concerned (null for CONFIGURED, DISABLED, ENABLED)
 * @param run the pipeline run's workflow id ({@code deploy-<model>-<version>}) concerned, if any
 * @param version the version concerned, if any
 * @param outcome the run's outcome (RUN_FINISHED only)
 * @param detail why, in words
 */
public record RetrainJournalEntry(
    Instant at, Event event, RetrainTrigger trigger, String run, String version, Outcome outcome, String detail) {

  public enum Event {
    /** A trigger that will start the next retrain run. */
    ACCEPTED,
    /** A trigger that arrived while one was already waiting or during a cool-down: no second run. */
    COALESCED,
    /** A drift alarm during an open run, forwarded to that run's alarm signal instead of starting another. */
    RECORDED_ON_RUN,
    /** A trigger that arrived during an open run: that run is already the retrain it asks for. */
    COALESCED_INTO_RUN,
    /** A malformed trigger or policy, or a trigger while retraining is disabled. */
    REFUSED,
    RUN_STARTED,
    /** The run ended with an outcome (PROMOTED, ROLLED_BACK, ...). */
    RUN_FINISHED,
    /** No run could be started, or the run failed without an outcome. */
    RUN_FAILED,
    CONFIGURED,
    DISABLED,
    ENABLED
  }
}
