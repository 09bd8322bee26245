package dev.safedeploy.workflows.retrain;

import dev.safedeploy.workflows.pipeline.AlarmRecord;
import dev.safedeploy.workflows.pipeline.AlarmSignal;
import dev.safedeploy.workflows.pipeline.ApprovalDecision;
import dev.safedeploy.workflows.pipeline.ApprovalRecord;
import dev.safedeploy.workflows.pipeline.Outcome;
import dev.safedeploy.workflows.pipeline.PipelineRequest;
import dev.safedeploy.workflows.pipeline.PipelineResult;
import dev.safedeploy.workflows.pipeline.PipelineStatus;
import dev.safedeploy.workflows.pipeline.RollbackRequest;
import dev.safedeploy.workflows.pipeline.SafeDeploymentWorkflow;
import dev.safedeploy.workflows.pipeline.Stage;
import io.temporal.failure.ApplicationFailure;
import io.temporal.workflow.Workflow;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The pipeline's workflow type without its stages, so retrain tests stay fast: it waits (no timers, so skipping time
 * never ends it) until approved (PROMOTED), rejected (REJECTED) or rolled back, which here makes the run fail
 * without an outcome, as a crashing pipeline would. Alarms are recorded and shown in status, as the real run does;
 * status events show the request's train location and max_depth, so tests see what the run was given.
 */
public class FakePipelineRun implements SafeDeploymentWorkflow {

  private PipelineRequest request;
  private ApprovalDecision decision;
  private RollbackRequest rollback;
  private final List<AlarmRecord> alarms = new ArrayList<>();
  private Outcome outcome;

  @Override
  public PipelineResult run(PipelineRequest req) {
    request = req;
    Workflow.await(() -> decision != null || rollback != null);
    if (rollback != null) {
      throw ApplicationFailure.newNonRetryableFailure("fake pipeline crashed: " + rollback.reason(), "Crash");
    }
    outcome = decision.approve() ? Outcome.PROMOTED : Outcome.REJECTED;
    return new PipelineResult(req.workflowId(), req.model(), req.version(), outcome,
        decision.approve() ? "approved by " + decision.approver() : "rejected by " + decision.approver(),
        1.0, null, decision.approve() ? req.version() : null, Map.of(), null, null, List.of());
  }

  @Override
  public void approve(ApprovalDecision d) {
    decision = d;
  }

  @Override
  public void reject(ApprovalDecision d) {
    decision = d;
  }

  @Override
  public ApprovalRecord decide(ApprovalDecision d) {
    decision = d;
    return null;
  }

  @Override
  public void validateDecide(ApprovalDecision d) {}

  @Override
  public void alarm(AlarmSignal a) {
    alarms.add(new AlarmRecord(a.alarmName(), a.state(), a.reason(), a.transitionedAt(),
        Instant.ofEpochMilli(Workflow.currentTimeMillis()), "SIGNAL", "recorded"));
  }

  @Override
  public void rollback(RollbackRequest r) {
    rollback = r;
  }

  @Override
  public PipelineStatus status() {
    return new PipelineStatus(request.workflowId(), request.model(), request.version(), request.requestedBy(),
        outcome == null ? Stage.AWAIT_APPROVAL : Stage.DONE, null, null, List.of(), null, null, null, null, null, 0,
        List.of(), Map.of(), null, List.of(), List.copyOf(alarms),
        List.of("train=" + request.data().train(), "max_depth=" + request.hyperparameters().get("max_depth")), outcome, null,
        null, null, List.of(), null, List.of());
  }
}
