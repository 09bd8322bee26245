package dev.safedeploy.workflows.lease;

import static dev.safedeploy.workflows.testing.PipelineHarness.request;
import static org.assertj.core.api.Assertions.assertThat;

import dev.safedeploy.workflows.pipeline.ApprovalDecision;
import dev.safedeploy.workflows.pipeline.DeploymentPolicy;
import dev.safedeploy.workflows.pipeline.Outcome;
import dev.safedeploy.workflows.pipeline.PipelineResult;
import dev.safedeploy.workflows.pipeline.PipelineStatus;
import dev.safedeploy.workflows.pipeline.ProdLease;
import dev.safedeploy.workflows.pipeline.SafeDeploymentWorkflow;
import dev.safedeploy.workflows.pipeline.SafeDeploymentWorkflowImpl;
import dev.safedeploy.workflows.pipeline.SearchAttributes;
import dev.safedeploy.workflows.pipeline.Stage;
import dev.safedeploy.workflows.testing.FakeBackend;
import io.temporal.api.workflowservice.v1.GetSystemInfoRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The lease holder's worker is killed mid-canary and a new worker starts: the lease lives in Temporal, not in the
 * worker, so the holder keeps it, the queued run keeps its place, and both go on from their histories (the second
 * reading the first as blue).
 *
 * <p>On the real dev server ({@code temporal server start-dev} from the temporal CLI in {@code .tools}; skipped
 * without it unless {@code SAFEDEPLOY_REQUIRE_TOOLS=1}), in real time: the Java test server hands a dead worker's sticky tasks and polls nothing back, which a
 * real server does.
 */
@Timeout(120)
class LeaseHolderWorkerKilledTest {

  private Process server;
  private WorkflowServiceStubs service;
  private final List<WorkerFactory> factories = new ArrayList<>();

  @AfterEach
  void tearDown() throws InterruptedException {
    factories.forEach(WorkerFactory::shutdownNow);
    if (service != null) {
      service.shutdownNow();
    }
    if (server != null) {
      server.destroy();
      if (!server.waitFor(10, TimeUnit.SECONDS)) {
        server.destroyForcibly();
      }
    }
  }

  @Test
  void holderWorkerKilledMidCanaryKeepsTheLeaseAndBothRunsGoOnOnANewWorker() throws Exception {
    WorkflowClient client = startServer();
    FakeBackend backend = new FakeBackend().withLive("nyctaxi", "v1", 5.0);
    WorkerFactory first = startWorker(client, backend);
    DeploymentPolicy policy = DeploymentPolicy.builder().bake(Duration.ofSeconds(6)).finalBake(Duration.ofSeconds(1))
        .alarmPollInterval(Duration.ofSeconds(1)).watchWindow(Duration.ZERO).build();
    SafeDeploymentWorkflow v2 = start(client, "v2", policy);
    SafeDeploymentWorkflow v3 = start(client, "v3", policy);
    await(v2, s -> s.stage() == Stage.AWAIT_APPROVAL);
    await(v3, s -> s.stage() == Stage.AWAIT_APPROVAL);
    v2.decide(ApprovalDecision.approve("bob", "ok", "cli"));
    await(v2, s -> s.stage() == Stage.DEPLOY_PROD && s.trafficStep() >= 1);
    v3.decide(ApprovalDecision.approve("bob", "ok", "cli"));
    await(v3, s -> s.stage() == Stage.QUEUED_FOR_PROD && s.prodLease() != null
        && "deploy-nyctaxi-v2".equals(s.prodLease().holderWorkflowId()));

    // The worker process dies in v2's canary bake; nothing runs for a while (the lease's liveness checks come due).
    first.shutdownNow();
    first.awaitTermination(10, TimeUnit.SECONDS);
    Thread.sleep(2_000);
    startWorker(client, backend);

    // A new worker: v2 still holds the lease (its worker was down, the run was not), v3 still waits behind it.
    PipelineStatus holding = await(v2, s -> s.stage() == Stage.DEPLOY_PROD);
    assertThat(holding.prodLease().state()).isEqualTo(ProdLease.State.HELD);
    PipelineResult r2 = WorkflowStub.fromTyped(v2).getResult(60, TimeUnit.SECONDS, PipelineResult.class);
    PipelineResult r3 = WorkflowStub.fromTyped(v3).getResult(60, TimeUnit.SECONDS, PipelineResult.class);

    assertThat(r2.outcome()).as(r2.reason()).isEqualTo(Outcome.PROMOTED);
    assertThat(r3.outcome()).as(r3.reason()).isEqualTo(Outcome.PROMOTED);
    assertThat(v3.status().blueVersion()).isEqualTo("v2");
    assertThat(backend.calls.indexOf("addVariant nyctaxi-prod v3=0"))
        .isGreaterThan(backend.calls.indexOf("removeVariant nyctaxi-prod v1")).isPositive();
    assertThat(backend.weights("nyctaxi-prod")).containsExactly(Map.entry("v3", 100));
    assertThat(backend.weightHistory.get("nyctaxi-prod")).allSatisfy(w ->
        assertThat(w.values().stream().mapToInt(Integer::intValue).sum()).as("weights " + w).isEqualTo(100));
  }

  private WorkflowClient startServer() throws Exception {
    String tools = System.getProperty("safedeploy.tools");
    Path cli = tools == null ? null : Stream.of("temporal/bin/temporal", "bin/temporal").map(Path.of(tools)::resolve)
        .filter(Files::isExecutable).findFirst().orElse(null);
    if (cli == null) {
      String why = "no temporal CLI in " + tools + " (run .ci/install-tools)";
      if ("1".equals(System.getenv("SAFEDEPLOY_REQUIRE_TOOLS"))) {
        throw new AssertionError("real-server test needs the temporal CLI: " + why);
      }
      Assumptions.abort("real-server test skipped: " + why);
    }
    int port = freePort();
    List<String> command = new ArrayList<>(List.of(cli.toString(), "server", "start-dev", "--ip", "127.0.0.1",
        "--port", Integer.toString(port), "--headless",
        "--namespace", "default", "--log-level", "warn"));
    SearchAttributes.ALL.forEach(k -> command.addAll(List.of("--search-attribute", k.getName() + "=Keyword")));
    Path log = Files.createTempFile("temporal-dev", ".log");
    server = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    service = WorkflowServiceStubs.newServiceStubs(
        WorkflowServiceStubsOptions.newBuilder().setTarget("127.0.0.1:" + port).build());
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (true) {
      try {
        service.blockingStub().withDeadlineAfter(1, TimeUnit.SECONDS).getSystemInfo(
            GetSystemInfoRequest.getDefaultInstance());
        break;
      } catch (RuntimeException notYet) {
        if (!server.isAlive() || System.nanoTime() > deadline) {
          throw new IllegalStateException("temporal dev server did not come up: " + Files.readString(log));
        }
        Thread.sleep(100);
      }
    }
    return WorkflowClient.newInstance(service, WorkflowClientOptions.newBuilder().setNamespace("default").build());
  }

  private WorkerFactory startWorker(WorkflowClient client, FakeBackend backend) {
    WorkerFactory factory = WorkerFactory.newInstance(client);
    Worker worker = factory.newWorker(SafeDeploymentWorkflow.TASK_QUEUE);
    worker.registerWorkflowImplementationTypes(SafeDeploymentWorkflowImpl.class);
    worker.registerActivitiesImplementations(backend);
    EndpointLeases.register(worker, client, Duration.ofSeconds(1), null);
    factory.start();
    factories.add(factory);
    return factory;
  }

  private static SafeDeploymentWorkflow start(WorkflowClient client, String version, DeploymentPolicy policy) {
    var request = request(version, policy);
    SafeDeploymentWorkflow wf = client.newWorkflowStub(SafeDeploymentWorkflow.class, WorkflowOptions.newBuilder()
        .setWorkflowId(request.workflowId()).setTaskQueue(SafeDeploymentWorkflow.TASK_QUEUE).build());
    WorkflowClient.start(wf::run, request);
    return wf;
  }

  private static PipelineStatus await(SafeDeploymentWorkflow wf, Predicate<PipelineStatus> condition)
      throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(40).toNanos();
    PipelineStatus status = null;
    while (System.nanoTime() < deadline) {
      try {
        status = wf.status();
        if (condition.test(status)) {
          return status;
        }
      } catch (RuntimeException notYet) {
        // a query while no worker can answer it (the new one still starting)
      }
      Thread.sleep(50);
    }
    throw new AssertionError("status never matched; last: " + status);
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
