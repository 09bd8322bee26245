package dev.safedeploy.workflows.retrain;

import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * What a Temporal Schedule with id {@code retrain-schedule-<model>} ({@link #scheduleId}) starts: a SCHEDULE trigger
 * for the model's retrain workflow, starting that workflow if it is not running. The retrain run itself belongs to
 * the entity, so overlapping schedule actions cannot retrain twice.
 */
@WorkflowInterface
public interface RetrainScheduleWorkflow {

  static String scheduleId(String model) {
    return "retrain-schedule-" + model;
  }

  /** @param scheduleId the schedule that fired (recorded as the trigger's cause) */
  record Request(String model, String scheduleId) {}

  /** @param startedEntity true when the retrain workflow was not running and this started it with the trigger */
  record Result(String retrainWorkflowId, boolean startedEntity) {}

  @WorkflowMethod
  Result run(Request request);
}
