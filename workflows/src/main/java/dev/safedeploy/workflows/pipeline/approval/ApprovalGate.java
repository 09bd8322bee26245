package dev.safedeploy.workflows.pipeline.approval;

import static dev.safedeploy.workflows.activities.Failures.rootMessage;
import static dev.safedeploy.workflows.pipeline.journal.StatusJournal.now;

import dev.safedeploy.workflows.activities.AlarmActivities;
import dev.safedeploy.workflows.activities.EndpointActivities.ProductionState;
import dev.safedeploy.workflows.activities.NotificationActivities.Kind;
import dev.safedeploy.workflows.pipeline.Abort;
import dev.safedeploy.workflows.pipeline.AlarmSignal;
import dev.safedeploy.workflows.pipeline.ApprovalDecision;
import dev.safedeploy.workflows.pipeline.ApprovalRecord;
import dev.safedeploy.workflows.pipeline.DeploymentPolicy;
import dev.safedeploy.workflows.pipeline.Interrupts;
import dev.safedeploy.workflows.pipeline.Outcome;
import dev.safedeploy.workflows.pipeline.PipelineRequest;
import dev.safedeploy.workflows.pipeline.Stage;
import dev.safedeploy.workflows.pipeline.journal.Notifier;
import dev.safedeploy.workflows.pipeline.journal.StatusJournal;
import io.temporal.failure.ActivityFailure;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The approval stage: the request goes out (with reminders) and the run waits for a valid decision or the deadline.
 * Alarms in ALARM meanwhile (polled or pushed) are shown on the request and refuse a plain approval; the transitions
 * an approver overrode do not stop the canary later.
 */
public final class ApprovalGate {

  private final PipelineRequest request;
  private final DeploymentPolicy policy;
  private final StatusJournal journal;
  private final Interrupts interrupts;
  private final Notifier notifier;
  private final AlarmActivities alarms;

  private ApprovalDecision decision;
  private ApprovalRecord approval;
  private final List<ApprovalRecord> refusedDecisions = new ArrayList<>();
  /** Alarms in ALARM while the run waits for approval (pushed or polled); an approval must override them. */
  private final Map<String, AlarmSignal> approvalAlarms = new LinkedHashMap<>();
  /** Alarm name -> the transition the approver overrode; only a later transition of that alarm stops the canary. */
  private final Map<String, Instant> overriddenAlarms = new LinkedHashMap<>();
  private boolean approvalAlarmsTracked;
  private boolean approvalAlarmsChanged;

  public ApprovalGate(PipelineRequest request, StatusJournal journal, Interrupts interrupts, Notifier notifier,
      AlarmActivities alarms) {
    this.request = request;
    this.policy = request.policy();
    this.journal = journal;
    this.interrupts = interrupts;
    this.notifier = notifier;
    this.alarms = alarms;
  }

  /** Waits for the decision; a rejection or the deadline ends the run ({@link Abort}). */
  public void await(ProductionState live, Double validationRmse, Double liveRmse) {
    Instant deadline = now().plus(policy.approvalTimeout());
    journal.until(deadline);
    journal.step("waiting for approval until " + deadline);
    Map<String, String> fields = new LinkedHashMap<>();
    fields.put("rmse", String.format("%.4f", validationRmse));
    if (liveRmse != null) {
      fields.put("liveRmse", String.format("%.4f", liveRmse));
      fields.put("liveVersion", String.valueOf(live.liveVersion()));
    }
    fields.put("devEndpoint", request.names().devEndpoint());
    fields.put("requestedBy", request.requestedBy());
    if (request.retrainCause() != null) {
      fields.put("retrainCause", request.retrainCause().description());
    }
    fields.put("deadline", deadline.toString());
    // Alarms during approval are shown and block the approval; runs recorded before this went on without looking.
    if (Workflow.getVersion("alarms-at-approval", Workflow.DEFAULT_VERSION, 1) >= 1) {
      awaitWatchingAlarms(deadline, fields);
    } else {
      awaitV0(deadline, fields);
    }
    journal.until(null);
    if (!decision.approve()) {
      throw new Abort(Outcome.REJECTED, "rejected by " + decision.approver()
          + (blank(decision.comment()) ? "" : ": " + decision.comment()));
    }
    notifier.notify(Kind.APPROVED, title() + " approved by " + decision.approver(), Map.of());
  }

  /** The decision taken, null before. */
  public ApprovalRecord approval() {
    return approval;
  }

  public List<ApprovalRecord> refusedDecisions() {
    return List.copyOf(refusedDecisions);
  }

  /**
   * Null when the decision may be taken now, otherwise why not (shown to the caller of the update).
   *
   * @param judgeAwaits a marginal canary judgement waits for this decision instead of the approval
   */
  public String problem(ApprovalDecision d, boolean judgeAwaits) {
    if (d == null || blank(d.approver())) {
      return "a decision needs an approver";
    }
    if (!judgeAwaits && (journal.stage() != Stage.AWAIT_APPROVAL || decision != null)) {
      return "run " + request.model() + "/" + request.version() + " is not awaiting approval (stage "
          + journal.stage() + (decision != null ? ", already decided by " + decision.approver() : "") + ")";
    }
    if (!policy.approvers().isEmpty() && !policy.approvers().contains(d.approver())) {
      return d.approver() + " is not an approver for this run (approvers: " + String.join(", ", policy.approvers())
          + ")";
    }
    if (policy.fourEyes() && d.approver().equals(request.requestedBy())) {
      return "four-eyes: " + d.approver() + " requested this run and cannot also decide it";
    }
    if (d.approve() && !d.overrideAlarms() && !approvalAlarms.isEmpty()) {
      return "alarm in ALARM: " + String.join(", ", approvalAlarms.values().stream()
          .map(a -> a.alarmName() + (blank(a.reason()) ? "" : " (" + a.reason() + ")")).toList())
          + "; approve with --override-alarms to deploy anyway";
    }
    return null;
  }

  /** Takes a valid decision. */
  public ApprovalRecord accept(ApprovalDecision d) {
    decision = d;
    if (d.approve() && d.overrideAlarms() && !approvalAlarms.isEmpty()) {
      approvalAlarms.values().forEach(a -> overriddenAlarms.put(a.alarmName(), a.transitionedAt()));
      journal.event("alarms overridden by " + d.approver() + ": " + String.join(", ", approvalAlarms.keySet()));
    }
    approval = new ApprovalRecord(d.approve(), d.approver(), d.comment(), d.via(), now(), true, null);
    journal.event((d.approve() ? "approved" : "rejected") + " by " + d.approver() + " via " + d.via()
        + (blank(d.comment()) ? "" : ": " + d.comment()));
    return approval;
  }

  /** Records a signalled decision that {@link #problem} refused (a signal has nobody to answer). */
  public void refuse(ApprovalDecision d, String problem) {
    refusedDecisions.add(new ApprovalRecord(d != null && d.approve(), d == null ? null : d.approver(),
        d == null ? null : d.comment(), d == null ? "signal" : d.via(), now(), false, problem));
    journal.event("decision refused: " + problem);
  }

  /** A pushed alarm left ALARM: true when it blocked the approval (and no longer does). */
  public boolean cleared(AlarmSignal a) {
    if (approvalAlarms.remove(a.alarmName()) != null) {
      journal.alarm(a, "SIGNAL", "no longer blocks approval");
      return true;
    }
    return false;
  }

  /** A pushed alarm entered ALARM: true when the run waits for approval, which it now blocks. */
  public boolean blocks(AlarmSignal a) {
    if (approvalAlarmsTracked && journal.stage() == Stage.AWAIT_APPROVAL && decision == null) {
      approvalAlarms.put(a.alarmName(), a);
      approvalAlarmsChanged = true;
      journal.alarm(a, "SIGNAL", "blocks approval");
      return true;
    }
    return false;
  }

  /** The very transition an approver overrode (a later one, or one of unknown time, is news and counts). */
  public boolean overridden(AlarmSignal a) {
    Instant at = overriddenAlarms.get(a.alarmName());
    return at != null && a.transitionedAt() != null && !a.transitionedAt().isAfter(at);
  }

  /**
   * Waits for the decision, sending reminders, with the policy's named alarms polled (and pushed alarm signals taken)
   * throughout: every alarm that enters ALARM is announced to the approvers at once and refuses a plain approval.
   */
  private void awaitWatchingAlarms(Instant deadline, Map<String, String> fields) {
    approvalAlarmsTracked = true;
    boolean polling = !policy.alarmNames().isEmpty();
    if (polling) {
      pollAlarms();
    }
    approvalAlarmsChanged = false;
    notifier.notify(Kind.APPROVAL_REQUESTED, title() + " awaits approval" + alarmsNote(), withAlarms(fields));
    int reminders = 0;
    Instant nextReminder = now().plus(policy.reminderInterval());
    Instant nextPoll = now().plus(policy.alarmPollInterval());
    while (decision == null) {
      if (!now().isBefore(deadline)) {
        throw timedOut();
      }
      Instant wake = earliest(deadline, nextReminder, polling ? nextPoll : deadline);
      Workflow.await(Duration.between(now(), wake),
          () -> decision != null || interrupts.rollbackRequested() || approvalAlarmsChanged);
      interrupts.checkRollbackRequest();
      if (decision != null) {
        break;
      }
      if (polling && !now().isBefore(nextPoll)) {
        pollAlarms();
        nextPoll = now().plus(policy.alarmPollInterval());
      }
      if (approvalAlarmsChanged) {
        approvalAlarmsChanged = false;
        if (!approvalAlarms.isEmpty()) {
          notifier.notify(Kind.APPROVAL_REMINDER, title() + " awaits approval" + alarmsNote(), withAlarms(fields));
        }
      }
      if (!now().isBefore(nextReminder) && now().isBefore(deadline)) {
        reminders++;
        journal.event("reminder " + reminders + " sent");
        notifier.notify(Kind.APPROVAL_REMINDER, title() + " still awaits approval (reminder " + reminders + ")"
            + alarmsNote(), withAlarms(fields));
        nextReminder = now().plus(policy.reminderInterval());
      }
    }
  }

  /** The named alarms' states now; a poll that fails keeps what is known (the canary's own poll is the safety net). */
  private void pollAlarms() {
    List<AlarmSignal> inAlarm;
    try {
      inAlarm = alarms.pollAlarms(policy.alarmNames());
    } catch (ActivityFailure e) {
      journal.event("alarm poll during approval failed: " + rootMessage(e));
      return;
    }
    if (decision != null) {
      // decided while the poll was out, on what was shown then; the canary's own poll judges what this found
      return;
    }
    Map<String, AlarmSignal> now = new LinkedHashMap<>();
    inAlarm.forEach(a -> now.put(a.alarmName(), a));
    for (AlarmSignal a : now.values()) {
      if (!approvalAlarms.containsKey(a.alarmName())) {
        approvalAlarms.put(a.alarmName(), a);
        approvalAlarmsChanged = true;
        journal.alarm(a, "POLL", "blocks approval");
      }
    }
    approvalAlarms.keySet().removeIf(name -> {
      if (now.containsKey(name)) {
        return false;
      }
      journal.event("alarm " + name + " no longer in ALARM");
      return true;
    });
  }

  /** Runs recorded before alarms were watched during approval: reminders only. */
  private void awaitV0(Instant deadline, Map<String, String> fields) {
    notifier.notify(Kind.APPROVAL_REQUESTED, title() + " awaits approval", fields);
    int reminders = 0;
    while (decision == null) {
      Duration remaining = Duration.between(now(), deadline);
      if (remaining.isNegative() || remaining.isZero()) {
        throw timedOut();
      }
      Duration slice = remaining.compareTo(policy.reminderInterval()) <= 0 ? remaining : policy.reminderInterval();
      Workflow.await(slice, () -> decision != null || interrupts.rollbackRequested());
      interrupts.checkRollbackRequest();
      if (decision == null && now().isBefore(deadline)) {
        reminders++;
        journal.event("reminder " + reminders + " sent");
        notifier.notify(Kind.APPROVAL_REMINDER, title() + " still awaits approval (reminder " + reminders + ")",
            fields);
      }
    }
  }

  private Abort timedOut() {
    return new Abort(Outcome.APPROVAL_TIMED_OUT,
        "no decision within " + policy.approvalTimeout() + "; timing out counts as rejection");
  }

  private String title() {
    return request.model() + " " + request.version();
  }

  private String alarmsNote() {
    return approvalAlarms.isEmpty() ? "" : " - alarm in ALARM: " + String.join(", ", approvalAlarms.keySet())
        + " (approving needs --override-alarms)";
  }

  private Map<String, String> withAlarms(Map<String, String> fields) {
    if (approvalAlarms.isEmpty()) {
      return fields;
    }
    Map<String, String> out = new LinkedHashMap<>(fields);
    out.put("alarms", String.join("; ", approvalAlarms.values().stream()
        .map(a -> a.alarmName() + (blank(a.reason()) ? "" : ": " + a.reason())).toList()));
    return out;
  }

  private static Instant earliest(Instant a, Instant b, Instant c) {
    Instant m = a.isBefore(b) ? a : b;
    return m.isBefore(c) ? m : c;
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }
}
