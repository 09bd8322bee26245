package dev.safedeploy.lambdas.alarms;

import dev.safedeploy.workflows.pipeline.AlarmSignal;
import dev.safedeploy.workflows.pipeline.SafeDeploymentWorkflow;
import dev.safedeploy.workflows.retrain.RetrainStarter;
import dev.safedeploy.workflows.retrain.RetrainWorkflow;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowNotFoundException;
import java.util.Optional;

/**
 * Signals {@link SafeDeploymentWorkflow#ALARM} on the untyped stub of a workflow id (latest run): the bridge does not need, and must not
 * depend on, the workflow's implementation, only on the signal's name and payload. A drift alarm names a model's
 * retrain workflow ({@code retrain-<model>}): that one is signalled with start, since the first drift alarm of a
 * model is what creates it.
 */
public final class TemporalAlarmSignaller implements AlarmSignaller {

  private final WorkflowClient client;

  public TemporalAlarmSignaller(WorkflowClient client) {
    this.client = client;
  }

  @Override
  public Delivery signal(String workflowId, AlarmSignal alarm) {
    String retrainModel = RetrainWorkflow.modelOf(workflowId);
    if (retrainModel != null) {
      RetrainStarter.alarm(client, retrainModel, alarm);
      return Delivery.DELIVERED;
    }
    try {
      client.newUntypedWorkflowStub(workflowId, Optional.empty(), Optional.empty()).signal(SafeDeploymentWorkflow.ALARM, alarm);
      return Delivery.DELIVERED;
    } catch (WorkflowNotFoundException e) {
      // Temporal answers NotFound both for a closed execution and for an unknown id
      return Delivery.WORKFLOW_CLOSED;
    }
  }
}
