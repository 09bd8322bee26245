package dev.safedeploy.worker;

import dev.safedeploy.workflows.lease.EndpointLeases;
import dev.safedeploy.workflows.pipeline.SafeDeploymentWorkflow;
import dev.safedeploy.workflows.pipeline.SafeDeploymentWorkflowImpl;
import dev.safedeploy.workflows.retrain.RetrainScheduleWorkflowImpl;
import dev.safedeploy.workflows.retrain.RetrainWorkflowImpl;
import io.temporal.client.WorkflowClient;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactory;
import java.util.List;

/** A worker on the pipeline's task queue: the pipeline and retrain workflows, the production lease, and one backend's
 * activities. */
public final class PipelineWorker implements AutoCloseable {

  private final WorkerFactory factory;

  private PipelineWorker(WorkerFactory factory) {
    this.factory = factory;
  }

  public static PipelineWorker start(WorkflowClient client, List<Object> activities) {
    WorkerFactory factory = WorkerFactory.newInstance(client);
    Worker worker = factory.newWorker(SafeDeploymentWorkflow.TASK_QUEUE);
    // the retrain entity and its schedule action start pipeline runs as children on this same task queue
    worker.registerWorkflowImplementationTypes(SafeDeploymentWorkflowImpl.class, RetrainWorkflowImpl.class,
        RetrainScheduleWorkflowImpl.class);
    worker.registerActivitiesImplementations(activities.toArray());
    EndpointLeases.register(worker, client);
    factory.start();
    return new PipelineWorker(factory);
  }

  @Override
  public void close() {
    factory.shutdown();
    factory.awaitTermination(10, java.util.concurrent.TimeUnit.SECONDS);
  }
}
