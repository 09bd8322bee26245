package dev.safedeploy.starter.fake;

import dev.safedeploy.workflows.pipeline.SafeDeploymentWorkflow;
import dev.safedeploy.workflows.pipeline.SearchAttributes;
import io.temporal.api.enums.v1.IndexedValueType;
import io.temporal.api.operatorservice.v1.AddSearchAttributesRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.serviceclient.OperatorServiceStubs;
import io.temporal.serviceclient.OperatorServiceStubsOptions;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import io.temporal.testserver.TestServer;
import io.temporal.worker.WorkerFactory;
import java.io.IOException;
import java.net.ServerSocket;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The embedded Java test server bound to a real port (what {@code safedeploy dev} runs), the search attributes
 * registered, and a worker running {@link FakeSafeDeploymentWorkflow} on the "safedeploy" task queue.
 */
public final class TemporalFixture implements AutoCloseable {

  private final TestServer.PortBoundTestServer server;
  private final int port;
  private final WorkflowServiceStubs stubs;
  private final WorkflowClient client;
  private final WorkerFactory factory;

  public TemporalFixture() {
    this(FakeSafeDeploymentWorkflow.class);
  }

  /** With the given workflow implementation (the fake, or the real one) and activity implementations. */
  public TemporalFixture(Class<?> workflowImplementation, Object... activities) {
    port = freePort();
    server = TestServer.createPortBoundServer(port);
    stubs = WorkflowServiceStubs.newServiceStubs(
        WorkflowServiceStubsOptions.newBuilder().setTarget(address()).build());
    OperatorServiceStubs operator = OperatorServiceStubs.newServiceStubs(
        OperatorServiceStubsOptions.newBuilder().setChannel(stubs.getRawChannel()).validateAndBuildWithDefaults());
    AddSearchAttributesRequest.Builder sa = AddSearchAttributesRequest.newBuilder().setNamespace("default");
    SearchAttributes.ALL.forEach(k -> sa.putSearchAttributes(k.getName(), IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD));
    operator.blockingStub().addSearchAttributes(sa.build());
    client = WorkflowClient.newInstance(stubs, WorkflowClientOptions.newBuilder().setNamespace("default").build());
    factory = WorkerFactory.newInstance(client);
    var worker = factory.newWorker(SafeDeploymentWorkflow.TASK_QUEUE);
    worker.registerWorkflowImplementationTypes(workflowImplementation);
    if (activities.length > 0) {
      worker.registerActivitiesImplementations(activities);
    }
    factory.start();
  }

  public String address() {
    return "127.0.0.1:" + port;
  }

  public WorkflowClient client() {
    return client;
  }

  /** The environment a CLI run sees: this server, a fixed $USER. */
  public Map<String, String> env(String user) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("TEMPORAL_ADDRESS", address());
    env.put("TEMPORAL_NAMESPACE", "default");
    env.put("USER", user);
    return env;
  }

  public static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    factory.shutdownNow();
    stubs.shutdownNow();
    server.close();
  }
}
