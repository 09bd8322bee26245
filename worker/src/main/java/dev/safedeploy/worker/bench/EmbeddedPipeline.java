package dev.safedeploy.worker.bench;

import dev.safedeploy.worker.PipelineWorker;
import dev.safedeploy.worker.config.WorkerConfig;
import dev.safedeploy.worker.temporal.EmbeddedTemporalServer;
import dev.safedeploy.worker.temporal.TemporalConnection;
import dev.safedeploy.workflows.pipeline.PipelineRequest;
import dev.safedeploy.workflows.pipeline.SafeDeploymentWorkflow;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import java.util.List;
import java.util.Map;

/**
 * The embedded Temporal server (real time, loopback), a client and one pipeline worker with the given activities, all
 * in this process: the orchestration benchmarks measure Temporal plus the workflow, nothing else.
 */
final class EmbeddedPipeline implements AutoCloseable {

  private final EmbeddedTemporalServer server;
  private final TemporalConnection connection;
  private final PipelineWorker worker;

  private EmbeddedPipeline(EmbeddedTemporalServer server, TemporalConnection connection, PipelineWorker worker) {
    this.server = server;
    this.connection = connection;
    this.worker = worker;
  }

  static EmbeddedPipeline start(List<Object> activities) {
    EmbeddedTemporalServer server = EmbeddedTemporalServer.start(0);
    TemporalConnection connection = null;
    try {
      connection = TemporalConnection.connect(
          WorkerConfig.fromEnv(Map.of()).withTemporalAddress(server.address()), null);
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

  SafeDeploymentWorkflow newRun(PipelineRequest request) {
    return newRun(client(), request);
  }

  static SafeDeploymentWorkflow newRun(WorkflowClient client, PipelineRequest request) {
    return client.newWorkflowStub(SafeDeploymentWorkflow.class, WorkflowOptions.newBuilder()
        .setWorkflowId(request.workflowId())
        .setTaskQueue(SafeDeploymentWorkflow.TASK_QUEUE)
        .build());
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
