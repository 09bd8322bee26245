package dev.safedeploy.workflows.pipeline;

import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.UpdateMethod;
import io.temporal.workflow.UpdateValidatorMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * One model version through build, train, quality gate, baseline, dev deploy, approval, canary prod deploy and watch.
 * Workflow id {@code deploy-<model>-<version>} ({@link PipelineRequest#workflowId()}), task queue {@link #TASK_QUEUE}.
 */
@WorkflowInterface
public interface SafeDeploymentWorkflow {

  String TASK_QUEUE = "safedeploy";

  @WorkflowMethod
  PipelineResult run(PipelineRequest request);

  /** Approve without validation feedback (Slack, plain Temporal clients); a refused signal is recorded in status. */
  @SignalMethod
  void approve(ApprovalDecision decision);

  @SignalMethod
  void reject(ApprovalDecision decision);

  /** Validated approve/reject: the caller gets the refusal, and a refused update leaves no trace in history. */
  @UpdateMethod
  ApprovalRecord decide(ApprovalDecision decision);

  @UpdateValidatorMethod(updateName = "decide")
  void validateDecide(ApprovalDecision decision);

  /** An alarm state change; an ALARM during any traffic step or bake rolls production back. */
  @SignalMethod
  void alarm(AlarmSignal alarm);

  /** Operator rollback: at any stage, and after promotion during the watch window. */
  @SignalMethod
  void rollback(RollbackRequest request);

  @QueryMethod
  PipelineStatus status();
}
