package dev.safedeploy.bench.reliability;

import dev.safedeploy.workflows.client.PipelineRuns;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.safedeploy.platform.control.PlatformException;
import dev.safedeploy.platform.data.PreparedData;
import dev.safedeploy.bench.BenchData;
import dev.safedeploy.worker.dev.DevEnvironment;
import dev.safedeploy.worker.temporal.RealTemporal;
import dev.safedeploy.worker.temporal.TemporalDevServer;
import dev.safedeploy.worker.temporal.TemporalServers;
import dev.safedeploy.workflows.pipeline.ApprovalDecision;
import dev.safedeploy.workflows.pipeline.DeploymentPolicy;
import dev.safedeploy.workflows.pipeline.Outcome;
import dev.safedeploy.workflows.pipeline.PipelineRequest;
import dev.safedeploy.workflows.pipeline.PipelineResult;
import dev.safedeploy.workflows.pipeline.PipelineStatus;
import dev.safedeploy.workflows.pipeline.ResourceNames;
import dev.safedeploy.workflows.pipeline.SafeDeploymentWorkflow;
import dev.safedeploy.workflows.pipeline.Stage;
import dev.safedeploy.workflows.pipeline.Strategy;
import io.temporal.client.WorkflowStub;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code safedeploy dev} on the real Temporal dev server is durable: stopping and restarting it while two runs wait at
 * approval and a third bakes its canary loses nothing (the runs go on, their audit trail is whole, no activity runs
 * twice, nothing leaks), and neither does killing the dev server alone (kill -9) while the worker keeps running.
 */
@Tag("reliability")
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class DurableDevTest {

  private static final String APPROVER = "durable-approver";
  private static final Duration LIMIT = Duration.ofMinutes(3);

  @TempDir
  Path dir;

  private DevEnvironment dev;

  @Test
  void restartingDevMidApprovalAndMidCanaryLosesNothing() throws Exception {
    RealTemporal.cli();
    BenchData data = BenchData.generate(dir.resolve("home/data"), 20_000);
    DevEnvironment.Options options = new DevEnvironment.Options(dir.resolve("home"), TemporalServers.Mode.CLI,
        freePort(), freePort(), freePort(), freePort(), true, 0, null, Duration.ofSeconds(1));
    dev = DevEnvironment.start(options, quiet());
    try {
      // c1 live; a1 and b1 wait at approval; c2 bakes at 10% beside c1
      result(start("durc", "v1", data.good(), Duration.ofSeconds(1), true));
      SafeDeploymentWorkflow a1 = start("dura", "v1", data.good(), Duration.ofSeconds(1), false);
      SafeDeploymentWorkflow b1 = start("durb", "v1", data.good(), Duration.ofSeconds(1), false);
      SafeDeploymentWorkflow c2 = start("durc", "v2", data.good(), Duration.ofSeconds(45), true);
      awaitStatus(a1, s -> s.stage() == Stage.AWAIT_APPROVAL, "a1 at approval");
      awaitStatus(b1, s -> s.stage() == Stage.AWAIT_APPROVAL, "b1 at approval");
      awaitStatus(c2, s -> s.stage() == Stage.DEPLOY_PROD && Integer.valueOf(10).equals(s.traffic().get("v2"))
          && s.step() != null && s.step().contains("bake"), "c2 baking at 10%");
      List<String> a1EventsBefore = a1.status().events();

      dev.close();
      dev = DevEnvironment.start(options, quiet());
      a1 = stub("dura", "v1");
      b1 = stub("durb", "v1");
      c2 = stub("durc", "v2");

      // the runs are where they were, with their trail
      assertThat(a1.status().stage()).isEqualTo(Stage.AWAIT_APPROVAL);
      assertThat(a1.status().events()).startsWith(a1EventsBefore.toArray(String[]::new));
      assertThat(b1.status().stage()).isEqualTo(Stage.AWAIT_APPROVAL);
      assertThat(c2.status().stage()).isEqualTo(Stage.DEPLOY_PROD);
      assertThat(weights("durc-prod")).as("canary split restored").containsEntry("v1", 90).containsEntry("v2", 10);

      a1.decide(ApprovalDecision.approve(APPROVER, "after the restart", "test"));
      b1.decide(ApprovalDecision.reject(APPROVER, "after the restart", "test"));
      assertThat(result(a1).outcome()).isEqualTo(Outcome.PROMOTED);
      assertThat(result(b1).outcome()).isEqualTo(Outcome.REJECTED);
      PipelineResult c2Result = result(c2);
      assertThat(c2Result.outcome()).as(c2Result.reason()).isEqualTo(Outcome.PROMOTED);
      assertThat(weights("durc-prod")).containsExactly(Map.entry("v2", 100));

      // no activity ran twice, nothing leaked: one of each resource; dev endpoints gone (b1's too: rejected)
      for (String[] run : new String[][] {{"dura", "v1"}, {"durc", "v2"}}) {
        RunHistory h = RunHistory.of(dev.client(), "deploy-" + run[0] + "-" + run[1]);
        assertThat(h.scheduled().stream().filter(t -> t.equals("Train")).count()).as(run[0]).isEqualTo(1);
        PlatformInventory.of(dev.platform()).assertExactlyOnce(new ResourceNames(run[0], run[1]), true);
      }
      assertThat(exists(new ResourceNames("durb", "v1").devEndpoint())).as("rejected run's dev endpoint").isFalse();
      assertThat(a1.status().events()).anyMatch(e -> e.contains("approved by " + APPROVER))
          .anyMatch(e -> e.contains("outcome PROMOTED"));

      // the dev server alone, killed (kill -9) while a run waits at approval; the worker and platform stay up
      SafeDeploymentWorkflow d1 = start("durd", "v1", data.good(), Duration.ofSeconds(1), false);
      awaitStatus(d1, s -> s.stage() == Stage.AWAIT_APPROVAL, "d1 at approval");
      TemporalDevServer server = (TemporalDevServer) dev.temporalServer();
      server.kill();
      try (TemporalDevServer again = RealTemporal.start(dir, options.home().resolve("temporal/temporal.db"),
          options.temporalPort(), options.uiPort())) {
        SafeDeploymentWorkflow d1Again = stub("durd", "v1");
        awaitStatus(d1Again, s -> s.stage() == Stage.AWAIT_APPROVAL, "d1 still at approval after the kill");
        d1Again.decide(ApprovalDecision.approve(APPROVER, "after a server kill", "test"));
        assertThat(result(d1Again).outcome()).isEqualTo(Outcome.PROMOTED);
        PlatformInventory.of(dev.platform()).assertExactlyOnce(new ResourceNames("durd", "v1"), true);
      }
    } finally {
      dev.close();
    }
  }

  private SafeDeploymentWorkflow start(String model, String version, PreparedData data, Duration bake,
      boolean approve) {
    DeploymentPolicy policy = DeploymentPolicy.builder().strategy(Strategy.CANARY).canaryPercent(10).bake(bake)
        .finalBake(Duration.ofSeconds(1)).alarmPollInterval(Duration.ofSeconds(1))
        .approvalTimeout(Duration.ofHours(1)).reminderInterval(Duration.ofHours(1)).approvers(List.of(APPROVER))
        .watchWindow(Duration.ZERO).build();
    PipelineRequest request = new PipelineRequest(model, version, BenchData.locations(data), Map.of(),
        "durable-requester", policy).validated();
    SafeDeploymentWorkflow wf = PipelineRuns.start(dev.client(), request).workflow();
    if (approve) {
      awaitStatus(wf, s -> s.stage() == Stage.AWAIT_APPROVAL, model + " " + version + " at approval");
      wf.decide(ApprovalDecision.approve(APPROVER, "durable suite", "test"));
    }
    return wf;
  }

  private SafeDeploymentWorkflow stub(String model, String version) {
    return dev.client().newWorkflowStub(SafeDeploymentWorkflow.class, "deploy-" + model + "-" + version);
  }

  /** Polls the status query (the server answers once the restarted worker has taken the run). */
  private static PipelineStatus awaitStatus(SafeDeploymentWorkflow wf, Predicate<PipelineStatus> when, String what) {
    long deadline = System.nanoTime() + LIMIT.toNanos();
    PipelineStatus last = null;
    RuntimeException error = null;
    while (System.nanoTime() < deadline) {
      try {
        last = wf.status();
        if (when.test(last)) {
          return last;
        }
        if (last.stage() == Stage.DONE) {
          fail(what + ": the run ended first: " + last.outcome() + " " + last.reason());
        }
      } catch (io.temporal.client.WorkflowServiceException | io.grpc.StatusRuntimeException e) {
        error = e;
      }
      WorkerProcess.sleep(100);
    }
    return fail("no " + what + " within " + LIMIT + "; last status " + (last == null ? error : last.stage() + " "
        + last.step()));
  }

  private static PipelineResult result(SafeDeploymentWorkflow wf) throws Exception {
    return WorkflowStub.fromTyped(wf).getResult(LIMIT.toSeconds(), TimeUnit.SECONDS, PipelineResult.class);
  }

  private Map<String, Integer> weights(String endpoint) {
    return dev.platform().endpoint(endpoint).variants().stream()
        .collect(Collectors.toMap(v -> v.name(), v -> v.weight()));
  }

  private boolean exists(String endpoint) {
    try {
      dev.platform().endpoint(endpoint);
      return true;
    } catch (PlatformException e) {
      return false;
    }
  }

  private static PrintStream quiet() {
    return new PrintStream(new ByteArrayOutputStream(), true);
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
