package dev.safedeploy.lambdas.alarms;

import dev.safedeploy.workflows.pipeline.AlarmSignal;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowNotFoundException;
import java.util.Optional;

/**
 * Signals {@code alarm} on the untyped stub of a workflow id (latest run): the bridge does not need, and must not
 * depend on, the workflow's implementation, only on the signal's name and payload.
 */
public final class TemporalAlarmSignaller implements AlarmSignaller {

  /** The name of {@code SafeDeploymentWorkflow#alarm}; Temporal names a signal after its method by default. */
  public static final String SIGNAL_NAME = "alarm";

  private final WorkflowClient client;

  public TemporalAlarmSignaller(WorkflowClient client) {
    this.client = client;
  }

  @Override
  public Delivery signal(String workflowId, AlarmSignal alarm) {
    try {
      client.newUntypedWorkflowStub(workflowId, Optional.empty(), Optional.empty()).signal(SIGNAL_NAME, alarm);
      return Delivery.DELIVERED;
    } catch (WorkflowNotFoundException e) {
      // Temporal answers NotFound both for a closed execution and for an unknown id
      return Delivery.WORKFLOW_CLOSED;
    }
  }
}
