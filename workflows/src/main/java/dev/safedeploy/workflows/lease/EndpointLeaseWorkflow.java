package dev.safedeploy.workflows.lease;

import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * A mutex per production endpoint: at most one run at a time deploys to it (canary through watch window); others wait
 * in line or are refused. Started by signal-with-start of {@link #request} ({@link LeaseActivities#requestProdLease}),
 * workflow id {@link #workflowId}; it completes when nobody holds or waits, and continues as new when its history
 * grows.
 */
@WorkflowInterface
public interface EndpointLeaseWorkflow {

  static String workflowId(String endpoint) {
    return "lease-" + endpoint;
  }

  @WorkflowMethod
  void run(LeaseState state);

  @SignalMethod
  void request(LeaseRequest request);

  /** The holder is done, or a waiter gives up; from anyone else it is ignored. */
  @SignalMethod
  void release(LeaseHolder holder);

  @QueryMethod
  LeaseState state();
}
