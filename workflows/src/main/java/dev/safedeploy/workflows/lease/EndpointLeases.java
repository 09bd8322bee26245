package dev.safedeploy.workflows.lease;

import io.temporal.client.WorkflowClient;
import io.temporal.worker.Worker;
import java.time.Duration;

/** What a worker running the pipeline must also run: the lease workflow and its activities. */
public final class EndpointLeases {

  private EndpointLeases() {}

  public static void register(Worker worker, WorkflowClient client) {
    register(worker, client, null, null);
  }

  /** With a lease workflow's liveness interval and history limit for the runs it starts (null: the defaults). */
  public static void register(Worker worker, WorkflowClient client, Duration livenessInterval, Integer historyLimit) {
    worker.registerWorkflowImplementationTypes(EndpointLeaseWorkflowImpl.class);
    worker.registerActivitiesImplementations(new LeaseActivitiesImpl(client, livenessInterval, historyLimit));
  }
}
