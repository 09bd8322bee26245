package dev.safedeploy.workflows.lease;

import io.temporal.client.WorkflowClient;
import io.temporal.worker.Worker;

/** What a worker running the pipeline must also run: the lease workflow and its activities. */
public final class EndpointLeases {

  private EndpointLeases() {}

  public static void register(Worker worker, WorkflowClient client) {
    worker.registerWorkflowImplementationTypes(EndpointLeaseWorkflowImpl.class);
    worker.registerActivitiesImplementations(new LeaseActivitiesImpl(client));
  }
}
