package dev.safedeploy.worker.temporal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.safedeploy.worker.config.WorkerConfig;
import dev.safedeploy.workflows.client.TemporalConnection;
import dev.safedeploy.worker.metrics.PrometheusMetrics;
import dev.safedeploy.workflows.pipeline.SearchAttributes;
import io.temporal.client.WorkflowOptions;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.Socket;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EmbeddedTemporalServerTest {

  @WorkflowInterface
  public interface Echo {
    @WorkflowMethod
    String echo(String s);
  }

  public static class EchoImpl implements Echo {
    @Override
    public String echo(String s) {
      Workflow.upsertTypedSearchAttributes(SearchAttributes.STAGE.valueSet("DONE"));
      return s;
    }
  }

  @Test
  void servesOnLoopbackWithSearchAttributesRegisteredAndMetrics() throws Exception {
    try (EmbeddedTemporalServer server = EmbeddedTemporalServer.start(0);
        PrometheusMetrics metrics = PrometheusMetrics.start(0);
        TemporalConnection connection = WorkerConfig.fromEnv(Map.of()).withTemporalAddress(server.address())
            .connect(metrics.scope())) {
      assertThat(server.address()).startsWith("127.0.0.1:");
      try (Socket s = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
        assertThat(s.isConnected()).isTrue();
      }
      var factory = io.temporal.worker.WorkerFactory.newInstance(connection.client());
      factory.newWorker("echo").registerWorkflowImplementationTypes(EchoImpl.class);
      factory.start();
      Echo echo = connection.client().newWorkflowStub(Echo.class, WorkflowOptions.newBuilder()
          .setTaskQueue("echo").setWorkflowId("echo-1")
          .setTypedSearchAttributes(io.temporal.common.SearchAttributes.newBuilder()
              .set(SearchAttributes.MODEL, "nyctaxi").set(SearchAttributes.VERSION, "v1").build())
          .build());
      // Starting with the typed search attributes only works because the server registered them.
      assertThat(echo.echo("hi")).isEqualTo("hi");
      factory.shutdown();
      Thread.sleep(1500);
      assertThat(metrics.scrape()).contains("temporal_");
    }
  }

  @Test
  void aTakenPortIsAClearError() {
    try (EmbeddedTemporalServer first = EmbeddedTemporalServer.start(0)) {
      assertThatThrownBy(() -> EmbeddedTemporalServer.start(first.port()))
          .isInstanceOf(UncheckedIOException.class)
          .hasMessageContaining("cannot bind the embedded Temporal server to 127.0.0.1:" + first.port());
    }
  }
}
