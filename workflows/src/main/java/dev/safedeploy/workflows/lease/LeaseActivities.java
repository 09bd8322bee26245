package dev.safedeploy.workflows.lease;

import io.temporal.activity.ActivityInterface;

/** The lease's two calls that need a Temporal client. */
@ActivityInterface
public interface LeaseActivities {

  /** Signal-with-start of the endpoint's {@link EndpointLeaseWorkflow}; the answer comes back as a signal. */
  void requestProdLease(LeaseRequest request);

  /** Whether the workflow still runs; a holder that ended (terminated included) no longer holds anything. */
  boolean isWorkflowRunning(String workflowId);
}
