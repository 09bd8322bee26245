package dev.safedeploy.starter.fake;

import dev.safedeploy.workflows.lease.EndpointLeases;
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
 * A Temporal server bound to a real port — the embedded Java test server (the zero-install fallback), or the real one,
 * {@code temporal server start-dev} from the temporal CLI (what {@code safedeploy dev} runs wherever the CLI exists;
 * see {@link #onRealServer}) —
 * the search attributes registered, and a worker running {@link FakeSafeDeploymentWorkflow} (or the real workflow) on
 * the "safedeploy" task queue.
 */
public final class TemporalFixture implements AutoCloseable {

  /**
   * On a real server another module started ({@code temporal server start-dev}: the worker's tests, where the code
   * that starts it lives); closing the fixture stops it.
   */
  public static TemporalFixture onRealServer(AutoCloseable server, int port,
      java.util.List<Class<?>> workflowImplementations, Object... activities) {
    return new TemporalFixture(server, port, workflowImplementations.toArray(new Class<?>[0]), activities);
  }

  private final AutoCloseable server;
  private final boolean real;
  private final int port;
  private final WorkflowServiceStubs stubs;
  private final WorkflowClient client;
  private final WorkerFactory factory;

  public TemporalFixture() {
    this(FakeSafeDeploymentWorkflow.class);
  }

  /** With the given workflow implementation (the fake, or the real one) and activity implementations. */
  public TemporalFixture(Class<?> workflowImplementation, Object... activities) {
    this(null, freePort(), workflowImplementation, activities);
  }

  /** With several workflow implementations (the pipeline and the retrain entity, say). */
  public TemporalFixture(java.util.List<Class<?>> workflowImplementations, Object... activities) {
    this(null, freePort(), workflowImplementations.toArray(new Class<?>[0]), activities);
  }

  private TemporalFixture(AutoCloseable realServer, int port, Class<?> workflowImplementation, Object... activities) {
    this(realServer, port, new Class<?>[] {workflowImplementation}, activities);
  }

  private TemporalFixture(AutoCloseable realServer, int port, Class<?>[] workflowImplementations,
      Object... activities) {
    this.port = port;
    this.real = realServer != null;
    this.server = realServer != null ? realServer : TestServer.createPortBoundServer(port);
    stubs = WorkflowServiceStubs.newServiceStubs(
        WorkflowServiceStubsOptions.newBuilder().setTarget(address()).build());
    OperatorServiceStubs operator = OperatorServiceStubs.newServiceStubs(
        OperatorServiceStubsOptions.newBuilder().setChannel(stubs.getRawChannel()).validateAndBuildWithDefaults());
    AddSearchAttributesRequest.Builder sa = AddSearchAttributesRequest.newBuilder().setNamespace("default");
    SearchAttributes.ALL.forEach(k -> sa.putSearchAttributes(k.getName(), IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD));
    if (realServer == null) {
      // the dev server registered them at start (--search-attribute); it refuses a second registration
      operator.blockingStub().addSearchAttributes(sa.build());
    }
    client = WorkflowClient.newInstance(stubs, WorkflowClientOptions.newBuilder().setNamespace("default").build());
    factory = WorkerFactory.newInstance(client);
    var worker = factory.newWorker(SafeDeploymentWorkflow.TASK_QUEUE);
    worker.registerWorkflowImplementationTypes(workflowImplementations);
    if (activities.length > 0) {
      worker.registerActivitiesImplementations(activities);
    }
    EndpointLeases.register(worker, client); // the real pipeline asks for the production lease
    factory.start();
  }

  public String address() {
    return "127.0.0.1:" + port;
  }

  /** Whether this is the real server (visibility queries, sticky execution) rather than the Java test server. */
  public boolean isReal() {
    return real;
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
    try {
      server.close();
    } catch (Exception e) {
      throw new IllegalStateException("cannot stop the Temporal server", e);
    }
  }
}
