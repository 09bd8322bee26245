package dev.safedeploy.worker;

import dev.safedeploy.workflows.lease.EndpointLeases;
import dev.safedeploy.workflows.pipeline.SafeDeploymentWorkflow;
import dev.safedeploy.workflows.pipeline.SafeDeploymentWorkflowImpl;
import dev.safedeploy.workflows.retrain.RetrainScheduleWorkflowImpl;
import dev.safedeploy.workflows.retrain.RetrainWorkflowImpl;
import io.temporal.client.WorkflowClient;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactory;
import io.temporal.worker.WorkerFactoryOptions;
import java.util.List;

/** A worker on the pipeline's task queue: the pipeline and retrain workflows, the production lease, and one backend's
 * activities. */
public final class PipelineWorker implements AutoCloseable {

  private final WorkerFactory factory;

  private PipelineWorker(WorkerFactory factory) {
    this.factory = factory;
  }

  /** How many runs a worker keeps in memory (each with its workflow thread); the rest are replayed when they wake. */
  public static final String ENV_WORKFLOW_CACHE = "SAFEDEPLOY_WORKFLOW_CACHE";

  /** The SDK's default: 600 runs cached, 600 workflow threads. */
  static final int DEFAULT_WORKFLOW_CACHE = 600;

  public static PipelineWorker start(WorkflowClient client, List<Object> activities) {
    return start(client, activities, workflowCache(System.getenv(ENV_WORKFLOW_CACHE)));
  }

  /**
   * @param workflowCache runs kept in memory; a worker with many runs parked (at approval, in a bake) reacts to a
   *     signal or update without replaying their histories only while they fit
   */
  public static PipelineWorker start(WorkflowClient client, List<Object> activities, int workflowCache) {
    WorkerFactory factory = WorkerFactory.newInstance(client, WorkerFactoryOptions.newBuilder()
        .setWorkflowCacheSize(workflowCache)
        // a cached run holds a workflow thread while it waits: as many threads as cached runs, at least the default
        .setMaxWorkflowThreadCount(Math.max(DEFAULT_WORKFLOW_CACHE, workflowCache))
        .build());
    Worker worker = factory.newWorker(SafeDeploymentWorkflow.TASK_QUEUE);
    // the retrain entity and its schedule action start pipeline runs as children on this same task queue
    worker.registerWorkflowImplementationTypes(SafeDeploymentWorkflowImpl.class, RetrainWorkflowImpl.class,
        RetrainScheduleWorkflowImpl.class);
    worker.registerActivitiesImplementations(activities.toArray());
    EndpointLeases.register(worker, client);
    factory.start();
    return new PipelineWorker(factory);
  }

  public static int workflowCache(String value) {
    if (value == null || value.isBlank()) {
      return DEFAULT_WORKFLOW_CACHE;
    }
    try {
      int n = Integer.parseInt(value.trim());
      if (n >= 1) {
        return n;
      }
    } catch (NumberFormatException e) {
      // fall through to the error below
    }
    throw new IllegalArgumentException(ENV_WORKFLOW_CACHE + " must be a positive number of runs, got '" + value + "'");
  }

  @Override
  public void close() {
    factory.shutdown();
    factory.awaitTermination(10, java.util.concurrent.TimeUnit.SECONDS);
  }
}
