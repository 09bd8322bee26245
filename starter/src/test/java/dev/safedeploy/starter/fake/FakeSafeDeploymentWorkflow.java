package dev.safedeploy.starter.fake;

import dev.safedeploy.workflows.pipeline.AlarmRecord;
import dev.safedeploy.workflows.pipeline.AlarmSignal;
import dev.safedeploy.workflows.pipeline.ApprovalDecision;
import dev.safedeploy.workflows.pipeline.ApprovalRecord;
import dev.safedeploy.workflows.pipeline.DeploymentPolicy;
import dev.safedeploy.workflows.pipeline.Outcome;
import dev.safedeploy.workflows.pipeline.PipelineRequest;
import dev.safedeploy.workflows.pipeline.PipelineResult;
import dev.safedeploy.workflows.pipeline.PipelineStatus;
import dev.safedeploy.workflows.pipeline.RollbackRequest;
import dev.safedeploy.workflows.pipeline.SafeDeploymentWorkflow;
import dev.safedeploy.workflows.pipeline.SearchAttributes;
import dev.safedeploy.workflows.pipeline.Stage;
import dev.safedeploy.workflows.pipeline.StageRecord;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A stand-in for the real pipeline that honours the same messages: no activities, stages pass at once, approval waits
 * for decide/approve/reject (validated like the real one), traffic steps bake on timers, alarms and rollbacks roll back.
 */
public class FakeSafeDeploymentWorkflow implements SafeDeploymentWorkflow {

  private PipelineRequest request;
  private Stage stage = Stage.BUILD;
  private String step;
  private Instant stepEndsAt;
  private final List<StageRecord> stages = new ArrayList<>();
  private Map<String, Integer> traffic = new LinkedHashMap<>();
  private int trafficStep;
  private ApprovalRecord approval;
  private final List<ApprovalRecord> refused = new ArrayList<>();
  private final List<AlarmRecord> alarms = new ArrayList<>();
  private final List<String> events = new ArrayList<>();
  private Outcome outcome;
  private String reason;
  private RollbackRequest rollback;
  private boolean alarmed;

  @Override
  public PipelineResult run(PipelineRequest req) {
    request = req;
    DeploymentPolicy p = req.policy();
    traffic.put("v0", 100);
    for (Stage s : List.of(Stage.BUILD, Stage.TRAIN, Stage.QUALITY_GATE, Stage.BASELINE, Stage.DEPLOY_DEV)) {
      enter(s);
      Workflow.sleep(Duration.ofMillis(50));
    }
    enter(Stage.AWAIT_APPROVAL);
    step = "waiting for approval";
    stepEndsAt = now().plus(p.approvalTimeout());
    boolean decided = Workflow.await(p.approvalTimeout(), () -> approval != null || rollback != null);
    step = null;
    stepEndsAt = null;
    if (rollback != null) {
      return end(Outcome.ROLLED_BACK, "operator " + rollback.operator() + ": " + rollback.reason());
    }
    if (!decided) {
      return end(Outcome.APPROVAL_TIMED_OUT, "nobody decided within " + p.approvalTimeout());
    }
    if (!approval.approved()) {
      return end(Outcome.REJECTED, "rejected by " + approval.approver());
    }
    enter(Stage.DEPLOY_PROD);
    List<Integer> steps = p.trafficSteps();
    for (int i = 0; i < steps.size(); i++) {
      int green = steps.get(i);
      traffic = new LinkedHashMap<>(Map.of("v0", 100 - green, req.version(), green));
      trafficStep = i + 1;
      step = "traffic " + green + "% bake";
      events.add("traffic " + green + "% to " + req.version());
      stepEndsAt = now().plus(p.stepBake());
      Workflow.await(p.stepBake(), () -> rollback != null || alarmed);
      if (rollback != null || alarmed) {
        traffic = new LinkedHashMap<>(Map.of("v0", 100, req.version(), 0));
        return end(Outcome.ROLLED_BACK, rollback != null ? "operator " + rollback.operator() + ": "
            + rollback.reason() : "alarm " + alarms.get(alarms.size() - 1).alarmName());
      }
    }
    step = "final bake";
    stepEndsAt = now().plus(p.finalBake());
    Workflow.await(p.finalBake(), () -> rollback != null || alarmed);
    if (rollback != null || alarmed) {
      traffic = new LinkedHashMap<>(Map.of("v0", 100, req.version(), 0));
      return end(Outcome.ROLLED_BACK, "rolled back in the final bake");
    }
    traffic = new LinkedHashMap<>(Map.of(req.version(), 100));
    enter(Stage.MONITOR);
    return end(Outcome.PROMOTED, "all steps baked without alarms");
  }

  private PipelineResult end(Outcome o, String why) {
    outcome = o;
    reason = why;
    closeStage("ended: " + o);
    stage = Stage.DONE;
    step = null;
    stepEndsAt = null;
    events.add("outcome " + o + ": " + why);
    Workflow.upsertTypedSearchAttributes(SearchAttributes.STAGE.valueSet(Stage.DONE.name()),
        SearchAttributes.OUTCOME.valueSet(o.name()));
    return new PipelineResult(Workflow.getInfo().getWorkflowId(), request.model(), request.version(), o, why, 4.2,
        null, o == Outcome.PROMOTED ? request.version() : "v0", traffic, null, approval, List.copyOf(stages));
  }

  private void enter(Stage s) {
    closeStage("ok");
    stage = s;
    stages.add(new StageRecord(s, now(), null, null));
    events.add("stage " + s);
    Workflow.upsertTypedSearchAttributes(SearchAttributes.STAGE.valueSet(s.name()));
  }

  private void closeStage(String note) {
    if (!stages.isEmpty()) {
      StageRecord last = stages.get(stages.size() - 1);
      if (last.endedAt() == null) {
        stages.set(stages.size() - 1, new StageRecord(last.stage(), last.startedAt(), now(), note));
      }
    }
  }

  private static Instant now() {
    return Instant.ofEpochMilli(Workflow.currentTimeMillis());
  }

  /** Null when acceptable, otherwise why not: the real workflow's rules (stage, approvers list, four-eyes). */
  private String refusal(ApprovalDecision d) {
    if (stage != Stage.AWAIT_APPROVAL || approval != null) {
      return "the run is in stage " + stage + ", not waiting for approval";
    }
    if (d.approver() == null || d.approver().isBlank()) {
      return "a decision needs an approver";
    }
    List<String> approvers = request.policy().approvers();
    if (!approvers.isEmpty() && !approvers.contains(d.approver())) {
      return d.approver() + " is not on the approvers list " + approvers;
    }
    if (request.policy().fourEyes() && d.approver().equals(request.requestedBy())) {
      return "four-eyes: " + d.approver() + " requested this deployment and cannot decide on it";
    }
    return null;
  }

  private ApprovalRecord record(ApprovalDecision d, boolean accepted, String why) {
    return new ApprovalRecord(d.approve(), d.approver(), d.comment(), d.via(), now(), accepted, why);
  }

  @Override
  public void approve(ApprovalDecision decision) {
    signalDecision(new ApprovalDecision(true, decision.approver(), decision.comment(), decision.via(),
        decision.overrideAlarms()));
  }

  @Override
  public void reject(ApprovalDecision decision) {
    signalDecision(new ApprovalDecision(false, decision.approver(), decision.comment(), decision.via()));
  }

  private void signalDecision(ApprovalDecision d) {
    String why = refusal(d);
    if (why != null) {
      refused.add(record(d, false, why));
    } else {
      approval = record(d, true, null);
    }
  }

  @Override
  public ApprovalRecord decide(ApprovalDecision decision) {
    approval = record(decision, true, null);
    events.add((decision.approve() ? "approved" : "rejected") + " by " + decision.approver());
    return approval;
  }

  @Override
  public void validateDecide(ApprovalDecision decision) {
    String why = refusal(decision);
    if (why != null) {
      throw new IllegalArgumentException(why);
    }
  }

  @Override
  public void alarm(AlarmSignal a) {
    boolean act = a.signalsAlarm() && stage == Stage.DEPLOY_PROD;
    alarms.add(new AlarmRecord(a.alarmName(), a.state(), a.reason(), a.transitionedAt(), now(), "SIGNAL",
        act ? "rollback" : "ignored"));
    alarmed = alarmed || act;
  }

  @Override
  public void rollback(RollbackRequest r) {
    rollback = r;
  }

  @Override
  public PipelineStatus status() {
    return new PipelineStatus(Workflow.getInfo().getWorkflowId(), request == null ? null : request.model(),
        request == null ? null : request.version(), request == null ? null : request.requestedBy(), stage, step,
        stepEndsAt, List.copyOf(stages), 4.2, null, request == null ? null : request.names().devEndpoint(),
        request == null ? null : request.names().prodEndpoint(), "v0", trafficStep,
        request == null ? List.of() : request.policy().trafficSteps(), Map.copyOf(traffic), approval,
        List.copyOf(refused), List.copyOf(alarms), List.copyOf(events), outcome, reason, null, null, List.of(), null,
        List.of());
  }
}
