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

  /*
   * The message names, as histories record them and untyped clients (the alarm bridge Lambda, the platform's alarm
   * sink, history readers) send or read them. They are the method names Temporal would choose by default: spelling
   * them out changes nothing on the wire and gives every other module one constant to refer to.
   */
  String APPROVE = "approve";
  String REJECT = "reject";
  String DECIDE = "decide";
  String ALARM = "alarm";
  String ROLLBACK = "rollback";
  String STATUS = "status";

  @WorkflowMethod
  PipelineResult run(PipelineRequest request);

  /** Approve without validation feedback (Slack, plain Temporal clients); a refused signal is recorded in status. */
  @SignalMethod(name = APPROVE)
  void approve(ApprovalDecision decision);

  @SignalMethod(name = REJECT)
  void reject(ApprovalDecision decision);

  /** Validated approve/reject: the caller gets the refusal, and a refused update leaves no trace in history. */
  @UpdateMethod(name = DECIDE)
  ApprovalRecord decide(ApprovalDecision decision);

  @UpdateValidatorMethod(updateName = DECIDE)
  void validateDecide(ApprovalDecision decision);

  /** An alarm state change; an ALARM during any traffic step or bake rolls production back. */
  @SignalMethod(name = ALARM)
  void alarm(AlarmSignal alarm);

  /** Operator rollback: at any stage, and after promotion during the watch window. */
  @SignalMethod(name = ROLLBACK)
  void rollback(RollbackRequest request);

  @QueryMethod(name = STATUS)
  PipelineStatus status();
}
