package dev.safedeploy.workflows.lease;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.activity.Activity;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.enums.v1.WorkflowIdReusePolicy;
import io.temporal.client.BatchRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.client.WorkflowOptions;

/**
 * Backend-neutral: the same on AWS and locally, it only talks to Temporal. The lease workflow is started on the task
 * queue this activity runs on, where {@link EndpointLeases#register} put it.
 */
public class LeaseActivitiesImpl implements LeaseActivities {

  private final WorkflowClient client;

  public LeaseActivitiesImpl(WorkflowClient client) {
    this.client = client;
  }

  @Override
  public void requestProdLease(LeaseRequest request) {
    String taskQueue = Activity.getExecutionContext().getInfo().getActivityTaskQueue();
    EndpointLeaseWorkflow lease = client.newWorkflowStub(EndpointLeaseWorkflow.class, WorkflowOptions.newBuilder()
        .setWorkflowId(EndpointLeaseWorkflow.workflowId(request.endpoint()))
        .setTaskQueue(taskQueue)
        // a lease workflow completes when idle; the next request starts a new run under the same id
        .setWorkflowIdReusePolicy(WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE)
        .setStaticSummary("production lease of " + request.endpoint())
        .build());
    BatchRequest batch = client.newSignalWithStartRequest();
    batch.add(lease::run, LeaseState.free(request.endpoint()));
    batch.add(lease::request, request);
    client.signalWithStart(batch);
  }

  @Override
  public boolean isWorkflowRunning(String workflowId) {
    try {
      return client.newUntypedWorkflowStub(workflowId).describe().getStatus()
          == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING;
    } catch (WorkflowNotFoundException e) {
      return false;
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() == Status.Code.NOT_FOUND) {
        return false;
      }
      throw e;
    }
  }
}
