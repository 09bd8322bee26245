package dev.safedeploy.worker.reconcile;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import io.temporal.client.WorkflowClient;
import java.util.function.Predicate;

/**
 * Whether a run is open, asked by workflow id (DescribeWorkflowExecution of its latest execution): works on the dev
 * server and on the embedded test server alike, no visibility query needed.
 */
public final class OpenRuns implements Predicate<String> {

  private final WorkflowClient client;

  public OpenRuns(WorkflowClient client) {
    this.client = client;
  }

  @Override
  public boolean test(String workflowId) {
    try {
      var info = client.getWorkflowServiceStubs().blockingStub().describeWorkflowExecution(
          DescribeWorkflowExecutionRequest.newBuilder()
              .setNamespace(client.getOptions().getNamespace())
              .setExecution(WorkflowExecution.newBuilder().setWorkflowId(workflowId))
              .build()).getWorkflowExecutionInfo();
      return info.getStatus() == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING;
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() == Status.Code.NOT_FOUND) {
        return false;
      }
      throw e;
    }
  }
}
