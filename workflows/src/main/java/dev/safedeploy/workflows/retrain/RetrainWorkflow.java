package dev.safedeploy.workflows.retrain;

import dev.safedeploy.workflows.pipeline.AlarmSignal;
import dev.safedeploy.workflows.pipeline.SafeDeploymentWorkflow;
import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * The retraining of one model: an entity workflow, id {@code retrain-<model>} ({@link #workflowId}), that turns drift
 * alarms, schedules and manual requests into at most one new pipeline run at a time, with a cool-down after each.
 * It never ends by itself; it continues as new after every retrain run, carrying its policy and journal.
 */
@WorkflowInterface
public interface RetrainWorkflow {

  String TASK_QUEUE = SafeDeploymentWorkflow.TASK_QUEUE;

  String WORKFLOW_ID_PREFIX = "retrain-";

  static String workflowId(String model) {
    return WORKFLOW_ID_PREFIX + model;
  }

  /** The model of a retrain workflow id ({@code retrain-<model>}); null for any other id. */
  static String modelOf(String workflowId) {
    if (workflowId == null || !workflowId.startsWith(WORKFLOW_ID_PREFIX)) {
      return null;
    }
    String model = workflowId.substring(WORKFLOW_ID_PREFIX.length());
    return dev.safedeploy.workflows.pipeline.PipelineRequest.isValidModelName(model) ? model : null;
  }

  @WorkflowMethod
  void run(RetrainInput input);

  /** Ask for a retrain; while one is open or cooling down the trigger is journaled, not run. */
  @SignalMethod
  void trigger(RetrainTrigger trigger);

  /**
   * A drift alarm's state change (same signal name as the pipeline's, so the alarm bridge and the local evaluator
   * deliver alike). ALARM becomes a trigger; during an open run it is forwarded to that run instead; OK and
   * INSUFFICIENT_DATA are ignored.
   */
  @SignalMethod(name = SafeDeploymentWorkflow.ALARM)
  void alarm(AlarmSignal alarm);

  /** Replace the policy; a shorter cool-down ends a cool-down in progress early. A malformed policy is refused. */
  @SignalMethod
  void configure(RetrainPolicy policy);

  /** Refuse triggers from now on (an open run goes on to its end). Survives continue-as-new. */
  @SignalMethod
  void disable(String by);

  @SignalMethod
  void enable(String by);

  @QueryMethod
  RetrainStatus status();
}
