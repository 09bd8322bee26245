package dev.safedeploy.workflows.testing;

import dev.safedeploy.workflows.client.PipelineRuns;
import dev.safedeploy.workflows.lease.EndpointLeases;
import dev.safedeploy.workflows.pipeline.DataLocations;
import dev.safedeploy.workflows.pipeline.DeploymentPolicy;
import dev.safedeploy.workflows.pipeline.PipelineRequest;
import dev.safedeploy.workflows.pipeline.PipelineStatus;
import dev.safedeploy.workflows.pipeline.SafeDeploymentWorkflow;
import dev.safedeploy.workflows.pipeline.SafeDeploymentWorkflowImpl;
import dev.safedeploy.workflows.pipeline.SearchAttributes;
import dev.safedeploy.workflows.pipeline.Stage;
import io.temporal.api.enums.v1.IndexedValueType;
import io.temporal.client.WorkflowClient;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import java.time.Duration;
import java.util.Map;
import java.util.function.Predicate;

/**
 * A time-skipping test environment with the pipeline workflow, the production lease (workflow and its Temporal-only
 * activities) and a {@link FakeBackend} registered.
 */
public final class PipelineHarness implements AutoCloseable {

  public final TestWorkflowEnvironment env;
  public final FakeBackend backend;
  public final WorkflowClient client;

  public PipelineHarness(FakeBackend backend) {
    this(backend, null, null);
  }

  /** With the production lease's liveness interval and history limit (null: the defaults). */
  public PipelineHarness(FakeBackend backend, Duration leaseLiveness, Integer leaseHistoryLimit) {
    this.backend = backend;
    this.env = TestWorkflowEnvironment.newInstance();
    registerSearchAttributes(env);
    Worker worker = env.newWorker(SafeDeploymentWorkflow.TASK_QUEUE);
    worker.registerWorkflowImplementationTypes(SafeDeploymentWorkflowImpl.class);
    worker.registerActivitiesImplementations(backend);
    EndpointLeases.register(worker, env.getWorkflowClient(), leaseLiveness, leaseHistoryLimit);
    env.start();
    client = env.getWorkflowClient();
  }

  /** What the dev server does at start: without them, a start with search attributes is refused. */
  public static void registerSearchAttributes(TestWorkflowEnvironment env) {
    SearchAttributes.ALL.forEach(k ->
        env.registerSearchAttribute(k.getName(), IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD));
  }

  public static PipelineRequest request(String version, DeploymentPolicy policy) {
    return new PipelineRequest("nyctaxi", version,
        new DataLocations("file:///data/train.csv", "file:///data/validation.csv", "file:///data/test.csv",
            "file:///data/baseline.csv"),
        Map.of(), "alice", policy);
  }

  public SafeDeploymentWorkflow start(PipelineRequest request) {
    return PipelineRuns.start(client, request).workflow();
  }

  /** Polls the status query (without skipping time) until it matches; activities in the fake are instant. */
  public PipelineStatus awaitStatus(SafeDeploymentWorkflow wf, Predicate<PipelineStatus> condition) {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    PipelineStatus status = wf.status();
    while (!condition.test(status)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("status never matched; last: " + status);
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
      status = wf.status();
    }
    return status;
  }

  public PipelineStatus awaitStage(SafeDeploymentWorkflow wf, Stage stage) {
    return awaitStatus(wf, s -> s.stage() == stage);
  }

  @Override
  public void close() {
    env.close();
  }
}
