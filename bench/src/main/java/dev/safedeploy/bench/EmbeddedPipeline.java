package dev.safedeploy.bench;

import dev.safedeploy.worker.PipelineWorker;
import dev.safedeploy.worker.config.WorkerConfig;
import dev.safedeploy.worker.ScratchDirectory;
import dev.safedeploy.worker.temporal.TemporalServer;
import dev.safedeploy.worker.temporal.TemporalServers;
import java.nio.file.Path;
import dev.safedeploy.workflows.client.PipelineRuns;
import dev.safedeploy.workflows.client.TemporalConnection;
import dev.safedeploy.workflows.pipeline.ApprovalDecision;
import dev.safedeploy.workflows.pipeline.PipelineRequest;
import dev.safedeploy.workflows.pipeline.PipelineResult;
import dev.safedeploy.workflows.pipeline.SafeDeploymentWorkflow;
import dev.safedeploy.workflows.pipeline.Stage;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowStub;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.List;
import java.util.Map;

/**
 * A Temporal server (the temporal CLI's dev server, or the embedded Java test server in this process), a client and
 * one pipeline worker with the given activities: the orchestration benchmarks measure Temporal plus the workflow,
 * nothing else.
 */
final class EmbeddedPipeline implements AutoCloseable {

  private final TemporalServer server;
  private final TemporalConnection connection;
  private final PipelineWorker worker;

  private EmbeddedPipeline(TemporalServer server, TemporalConnection connection, PipelineWorker worker) {
    this.server = server;
    this.connection = connection;
    this.worker = worker;
  }

  /** @param bench names the scratch directory a dev server keeps its SQLite file and log in (wiped first) */
  static EmbeddedPipeline start(List<Object> activities, TemporalServers.Mode mode, String bench) {
    Path stateDir = Path.of(".safedeploy", "bench", bench, "temporal").toAbsolutePath();
    try {
      ScratchDirectory.wipe(stateDir);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("cannot wipe " + stateDir, e);
    }
    TemporalServer server = TemporalServers.start(new TemporalServers.Request(mode, 0, 0, stateDir), System.getenv(),
        System.err);
    TemporalConnection connection = null;
    try {
      connection = WorkerConfig.fromEnv(Map.of()).withTemporalAddress(server.address())
            .connect(null);
      PipelineWorker worker = PipelineWorker.start(connection.client(), activities);
      return new EmbeddedPipeline(server, connection, worker);
    } catch (RuntimeException e) {
      if (connection != null) {
        connection.close();
      }
      server.close();
      throw e;
    }
  }

  WorkflowClient client() {
    return connection.client();
  }

  TemporalServer server() {
    return server;
  }

  SafeDeploymentWorkflow start(PipelineRequest request) {
    return start(client(), request);
  }

  static SafeDeploymentWorkflow start(WorkflowClient client, PipelineRequest request) {
    return PipelineRuns.start(client, request).workflow();
  }

  /**
   * Starts a run, approves it the moment it waits for approval (as the bench's approver), and returns its result;
   * fails when the run has not ended within {@code limit}.
   */
  static PipelineResult runApproved(WorkflowClient client, PipelineRequest request, Duration limit)
      throws InterruptedException, TimeoutException {
    long deadline = System.nanoTime() + limit.toNanos();
    SafeDeploymentWorkflow wf = start(client, request);
    while (System.nanoTime() < deadline) {
      Stage stage = wf.status().stage();
      if (stage == Stage.AWAIT_APPROVAL) {
        wf.decide(ApprovalDecision.approve(BenchRequests.APPROVER, "bench", "bench"));
        break;
      }
      if (stage == Stage.DONE) {
        break;
      }
      Thread.sleep(20);
    }
    return WorkflowStub.fromTyped(wf).getResult(
        Math.max(1, (deadline - System.nanoTime()) / 1_000_000), TimeUnit.MILLISECONDS, PipelineResult.class);
  }

  SafeDeploymentWorkflow existing(String workflowId) {
    return client().newWorkflowStub(SafeDeploymentWorkflow.class, workflowId);
  }

  @Override
  public void close() {
    worker.close();
    connection.close();
    server.close();
  }
}
