package dev.safedeploy.workflows.retrain;

import dev.safedeploy.workflows.pipeline.PipelineRequest;
import io.temporal.client.WorkflowExecutionAlreadyStarted;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.ChildWorkflowFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.Workflow;
import java.time.Instant;

/**
 * Signal the entity; if it is not running, start it (abandoned, so it outlives this run) with the trigger pending.
 * A workflow cannot signal-with-start, so a start that loses a race with another starter signals again.
 */
public class RetrainScheduleWorkflowImpl implements RetrainScheduleWorkflow {

  @Override
  public Result run(Request request) {
    if (request == null || !PipelineRequest.isValidModelName(request.model())) {
      throw ApplicationFailure.newNonRetryableFailure(
          "retrain schedule for an invalid model: " + (request == null ? null : request.model()), "BadRequest");
    }
    String scheduleId = request.scheduleId() == null || request.scheduleId().isBlank()
        ? RetrainScheduleWorkflow.scheduleId(request.model()) : request.scheduleId();
    RetrainTrigger trigger = RetrainTrigger.schedule(scheduleId, Instant.ofEpochMilli(Workflow.currentTimeMillis()));
    String id = RetrainWorkflow.workflowId(request.model());
    if (signalled(id, trigger)) {
      return new Result(id, false);
    }
    RetrainWorkflow entity =
        Workflow.newChildWorkflowStub(RetrainWorkflow.class, RetrainStarter.childOptions(request.model()));
    Async.procedure(entity::run, RetrainInput.fresh(request.model()).withPending(trigger));
    try {
      Workflow.getWorkflowExecution(entity).get();
      return new Result(id, true);
    } catch (ChildWorkflowFailure e) {
      if (e.getCause() instanceof WorkflowExecutionAlreadyStarted && signalled(id, trigger)) {
        return new Result(id, false);
      }
      throw e;
    }
  }

  private static boolean signalled(String id, RetrainTrigger trigger) {
    RetrainWorkflow entity = Workflow.newExternalWorkflowStub(RetrainWorkflow.class, id);
    return ExternalSignal.deliver(() -> entity.trigger(trigger));
  }
}
