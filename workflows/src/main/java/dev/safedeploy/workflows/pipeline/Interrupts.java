package dev.safedeploy.workflows.pipeline;

import dev.safedeploy.workflows.pipeline.journal.StatusJournal;
import io.temporal.workflow.Async;
import io.temporal.workflow.CancellationScope;
import io.temporal.workflow.CompletablePromise;
import io.temporal.workflow.Functions;
import io.temporal.workflow.Workflow;

/**
 * What stops a run wherever it is: an operator's rollback request (any stage) and the first watched alarm that fired
 * during the canary. Set by the message handlers; every stage checks them between its steps and wakes on them while
 * it waits.
 */
public final class Interrupts {

  private final StatusJournal journal;
  private RollbackRequest rollbackRequest;
  private AlarmSignal firedAlarm;

  public Interrupts(StatusJournal journal) {
    this.journal = journal;
  }

  /** The rollback signal: the first request with an operator counts. */
  public void requestRollback(RollbackRequest r) {
    if (r == null || r.operator() == null || r.operator().isBlank()) {
      journal.event("rollback request without operator ignored");
      return;
    }
    if (rollbackRequest == null) {
      rollbackRequest = r;
      journal.event("rollback requested by " + r.operator() + (blank(r.reason()) ? "" : ": " + r.reason()));
    }
  }

  public boolean rollbackRequested() {
    return rollbackRequest != null;
  }

  /** The alarm that rolls the canary back; only the first one counts (false when one had fired already). */
  public boolean fire(AlarmSignal alarm) {
    if (firedAlarm != null) {
      return false;
    }
    firedAlarm = alarm;
    return true;
  }

  /** The alarm that fired, null if none. */
  public AlarmSignal firedAlarm() {
    return firedAlarm;
  }

  /** Whether anything stops the canary: a fired alarm or a rollback request. */
  public boolean any() {
    return firedAlarm != null || rollbackRequest != null;
  }

  /** Throws the {@link Abort} a fired alarm or a rollback request calls for. */
  public void checkAbort() {
    if (firedAlarm != null) {
      throw new Abort(Outcome.ROLLED_BACK, "alarm " + firedAlarm.alarmName() + " in ALARM"
          + (blank(firedAlarm.reason()) ? "" : ": " + firedAlarm.reason()));
    }
    checkRollbackRequest();
  }

  public void checkRollbackRequest() {
    if (rollbackRequest != null) {
      throw new Abort(Outcome.ROLLED_BACK, operatorReason());
    }
  }

  public String operatorReason() {
    return "operator rollback by " + rollbackRequest.operator()
        + (blank(rollbackRequest.reason()) ? "" : ": " + rollbackRequest.reason());
  }

  /**
   * Runs a long activity so that an operator rollback does not wait for it: the activity is cancelled and the run goes
   * straight to compensation (the adapters' create-or-adopt makes a later retry safe).
   */
  public <R> R interruptible(Functions.Func<R> call) {
    checkRollbackRequest();
    CompletablePromise<R> result = Workflow.newPromise();
    CancellationScope scope = Workflow.newCancellationScope(() -> result.completeFrom(Async.function(call)));
    scope.run();
    Workflow.await(() -> result.isCompleted() || rollbackRequest != null);
    if (!result.isCompleted()) {
      scope.cancel();
      checkRollbackRequest();
    }
    return result.get();
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }
}
