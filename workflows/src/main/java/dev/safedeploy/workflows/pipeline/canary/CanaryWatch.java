package dev.safedeploy.workflows.pipeline.canary;

import static dev.safedeploy.workflows.activities.Failures.rootMessage;
import static dev.safedeploy.workflows.pipeline.journal.StatusJournal.now;

import dev.safedeploy.workflows.activities.AlarmActivities;
import dev.safedeploy.workflows.activities.AlarmActivities.AlarmWatch;
import dev.safedeploy.workflows.pipeline.AlarmRecord;
import dev.safedeploy.workflows.pipeline.AlarmSignal;
import dev.safedeploy.workflows.pipeline.DeploymentPolicy;
import dev.safedeploy.workflows.pipeline.Interrupts;
import dev.safedeploy.workflows.pipeline.PipelineRequest;
import dev.safedeploy.workflows.pipeline.Stage;
import dev.safedeploy.workflows.pipeline.approval.ApprovalGate;
import dev.safedeploy.workflows.pipeline.journal.StatusJournal;
import io.temporal.failure.ActivityFailure;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The canary's alarms, both ways: pushed signals stop a bake at once, and alarm states are polled while it waits. The
 * first watched alarm in ALARM (that the approver did not override) rolls the canary back.
 */
public final class CanaryWatch {

  private final PipelineRequest request;
  private final DeploymentPolicy policy;
  private final StatusJournal journal;
  private final Interrupts interrupts;
  private final ApprovalGate approvalGate;
  private final Production production;
  private final AlarmActivities alarms;

  private boolean watching;
  private List<String> watchedAlarms = List.of();
  private AlarmWatch alarmWatch;

  public CanaryWatch(PipelineRequest request, StatusJournal journal, Interrupts interrupts, ApprovalGate approvalGate,
      Production production, AlarmActivities alarms) {
    this.request = request;
    this.policy = request.policy();
    this.journal = journal;
    this.interrupts = interrupts;
    this.approvalGate = approvalGate;
    this.production = production;
    this.alarms = alarms;
  }

  /** What the watch will be; set before it is armed, so that its compensation knows what to undo. */
  void prepare() {
    alarmWatch = new AlarmWatch(Workflow.getInfo().getWorkflowId(), request.model(), request.version(),
        request.names().prodEndpoint(), request.names().variant(), policy.alarmNames(), policy.errorRateThreshold(),
        policy.errorRateMinSamples());
  }

  void arm() {
    watchedAlarms = alarms.watchAlarms(alarmWatch);
    watching = true;
    journal.event("watching alarms " + watchedAlarms);
  }

  /** The canary is over: its alarms are no longer watched. */
  void disarm() {
    watching = false;
    alarms.unwatchAlarms(alarmWatch);
    alarmWatch = null;
  }

  /** Alarms no longer roll back (the rollback is under way). */
  public void stop() {
    watching = false;
  }

  /** Waits, watching alarms both ways: pushed signals end the wait at once, and alarm states are polled. */
  void bake(Duration duration, String label) {
    Instant end = now().plus(duration);
    journal.until(end);
    journal.step(label);
    while (true) {
      interrupts.checkAbort();
      Duration remaining = Duration.between(now(), end);
      if (remaining.isNegative() || remaining.isZero()) {
        break;
      }
      Workflow.await(min(remaining, policy.alarmPollInterval()), () -> interrupts.any());
      interrupts.checkAbort();
      pollOnce();
    }
    journal.until(null);
  }

  void pollOnce() {
    List<AlarmSignal> inAlarm;
    try {
      inAlarm = alarms.pollAlarms(watchedAlarms);
    } catch (ActivityFailure e) {
      // Blind is unsafe: if alarm states cannot be read, treat it as an alarm.
      String why = "alarm poll failed: " + rootMessage(e);
      journal.alarm(new AlarmRecord(null, "UNKNOWN", why, now(), now(), "POLL", "rollback"));
      interrupts.fire(new AlarmSignal("alarm-poll", AlarmSignal.ALARM, why, now()));
      return;
    }
    for (AlarmSignal a : inAlarm) {
      if (approvalGate.overridden(a)) {
        continue;
      }
      if (interrupts.fire(a)) {
        journal.alarm(a, "POLL", "rollback");
      } else {
        journal.alarm(a, "POLL", "noted");
      }
    }
  }

  /** The alarm signal: recorded always; it blocks an approval, rolls the canary back or is noted. */
  public void onSignal(AlarmSignal a) {
    String problem = a == null ? "empty alarm signal" : a.problem();
    if (problem != null) {
      journal.alarm(new AlarmRecord(a == null ? null : a.alarmName(), a == null ? null : a.state(), problem,
          a == null ? null : a.transitionedAt(), now(), "SIGNAL", "ignored: malformed"));
      journal.event("malformed alarm signal ignored: " + problem);
      return;
    }
    if (!a.signalsAlarm()) {
      if (!approvalGate.cleared(a)) {
        journal.alarm(a, "SIGNAL", "noted");
      }
      return;
    }
    if (!watching && approvalGate.blocks(a)) {
      return;
    }
    if (!watching) {
      // Before the canary: re-checked by poll when it starts. After it: nothing to roll back automatically.
      journal.alarm(a, "SIGNAL", journal.stage().compareTo(Stage.DEPLOY_PROD) <= 0 && !production.greenAdded()
          ? "noted: checked by poll when the canary starts" : "ignored: not watching");
      return;
    }
    if (!watchedAlarms.isEmpty() && !watchedAlarms.contains(a.alarmName())) {
      journal.alarm(a, "SIGNAL", "ignored: not a watched alarm");
      return;
    }
    if (approvalGate.overridden(a)) {
      journal.alarm(a, "SIGNAL", "ignored: overridden at approval");
      return;
    }
    if (interrupts.fire(a)) {
      journal.alarm(a, "SIGNAL", "rollback");
    } else {
      journal.alarm(a, "SIGNAL", "noted");
    }
  }

  /**
   * Compensation: stops watching; green's own alarms go with it once green has left production (reconcile finds
   * those of runs before this change).
   */
  public void unwatch() {
    if (alarmWatch != null) {
      unwatchQuietly();
      if (!production.greenAdded() && removesCanaryAlarms()) {
        AlarmWatch green = alarmWatch;
        journal.quietly(() -> alarms.deleteCanaryAlarms(green), "delete green's canary alarms");
      }
    }
  }

  /** Stops watching if armed, a failure only noted (runs recorded before the converging rollback: nothing else). */
  public void unwatchQuietly() {
    if (alarmWatch != null) {
      journal.quietly(() -> alarms.unwatchAlarms(alarmWatch), "unwatch alarms");
    }
  }

  /** The backend's default canary alarms are this run's to remove; named policy alarms are not. */
  boolean removesCanaryAlarms() {
    return policy.alarmNames().isEmpty()
        && Workflow.getVersion("remove-canary-alarms", Workflow.DEFAULT_VERSION, 1) >= 1;
  }

  static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }
}
