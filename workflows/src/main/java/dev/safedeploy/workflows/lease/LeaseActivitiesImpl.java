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
import java.time.Duration;
import java.util.List;

/**
 * Backend-neutral: the same on AWS and locally, it only talks to Temporal. The lease workflow is started on the task
 * queue this activity runs on, where {@link EndpointLeases#register} put it.
 */
public class LeaseActivitiesImpl implements LeaseActivities {

  private final WorkflowClient client;
  private final Duration livenessInterval;
  private final Integer historyLimit;

  public LeaseActivitiesImpl(WorkflowClient client) {
    this(client, null, null);
  }

  /** With the liveness interval and history limit of the lease workflows it starts (null: the defaults). */
  public LeaseActivitiesImpl(WorkflowClient client, Duration livenessInterval, Integer historyLimit) {
    this.client = client;
    this.livenessInterval = livenessInterval;
    this.historyLimit = historyLimit;
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
    batch.add(lease::run, new LeaseState(request.endpoint(), null, null, List.of(), livenessInterval, historyLimit));
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
