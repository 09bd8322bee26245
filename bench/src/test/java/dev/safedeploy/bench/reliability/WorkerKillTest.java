package dev.safedeploy.bench.reliability;

import dev.safedeploy.workflows.client.PipelineRuns;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.safedeploy.platform.api.Endpoint;
import dev.safedeploy.platform.api.JobStatus;
import dev.safedeploy.platform.control.PlatformException;
import dev.safedeploy.platform.data.PreparedData;
import dev.safedeploy.bench.BenchData;
import dev.safedeploy.bench.LocalStack;
import dev.safedeploy.worker.demo.TrafficGenerator;
import dev.safedeploy.workflows.pipeline.ApprovalDecision;
import dev.safedeploy.workflows.pipeline.DeploymentPolicy;
import dev.safedeploy.workflows.pipeline.Outcome;
import dev.safedeploy.workflows.pipeline.PipelineRequest;
import dev.safedeploy.workflows.pipeline.PipelineResult;
import dev.safedeploy.workflows.pipeline.ResourceNames;
import dev.safedeploy.workflows.pipeline.SafeDeploymentWorkflow;
import dev.safedeploy.workflows.pipeline.Stage;
import dev.safedeploy.workflows.pipeline.Strategy;
import io.temporal.client.WorkflowStub;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer.OrderAnnotation;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 of the worker process in every stage, and a restart of the local platform mid-canary. The Temporal server and
 * the platform run in this JVM; the worker is a separate JVM ({@code safedeploy worker}) killed with SIGKILL and
 * started again. Each run must reach the right outcome and leave exactly one of everything it creates.
 *
 * <p>The runs build on each other (v1 goes live; v2 canaries beside it; v3 is broken and rolled back to v2; v4
 * canaries through a platform restart), hence the method order.
 */
@Tag("reliability")
@Timeout(value = 20, unit = TimeUnit.MINUTES)
@TestMethodOrder(OrderAnnotation.class)
class WorkerKillTest {

  private static final String MODEL = "relia";
  private static final String REQUESTER = "relia-requester";
  private static final String APPROVER = "relia-approver";
  private static final Duration RUN_LIMIT = Duration.ofMinutes(4);

  @TempDir
  static Path dir;
  static LocalStack stack;
  static WorkerProcess worker;
  static BenchData data;
  static final List<String> faults = new ArrayList<>();
  /** Kill points a fast local job can slip past between two polls: reported, not failed (the outcome still is). */
  static final List<String> missed = new ArrayList<>();

  @BeforeAll
  static void up() {
    data = BenchData.generate(dir.resolve("stack/data"), 20_000);
    stack = LocalStack.start(dir.resolve("stack"), false, Duration.ofSeconds(1));
    worker = new WorkerProcess(stack).start();
  }

  @AfterAll
  static void down() {
    String server = stack == null ? null : stack.temporalServer().description();
    if (worker != null) {
      worker.close();
    }
    if (stack != null) {
      stack.close();
    }
    System.out.println("reliability: faults injected and survived: " + faults.size() + " " + faults
        + (server == null ? "" : " on the " + server) + "; kill points missed (the job finished between polls): "
        + missed);
  }

  @Test
  @Order(1)
  void firstDeploymentSurvivesAKillInTrainBaselineDevDeployAndApproval() {
    ResourceNames names = new ResourceNames(MODEL, "v1");
    SafeDeploymentWorkflow wf = start("v1", data.good(), policy(Duration.ofSeconds(5), Duration.ofSeconds(2)));
    killWhen(wf, "TRAIN (training job in progress)", Stage.TRAIN,
        h -> h.inStage("TRAIN") && jobInProgress(() -> stack.platform().trainingJob(names.trainingJob())
            .status()));
    killIfCaught(wf, "BASELINE (baseline job in progress)", Stage.BASELINE,
        h -> h.inStage("BASELINE") && jobInProgress(() -> stack.platform()
            .processingJob(names.baselineJob()).status()));
    killWhen(wf, "DEPLOY_DEV (dev endpoint created, smoke test not done)", Stage.DEPLOY_DEV,
        h -> h.inStage("DEPLOY_DEV") && exists(names.devEndpoint()) && h.completedCount("SmokeTest") == 0);
    killWhen(wf, "AWAIT_APPROVAL", Stage.AWAIT_APPROVAL, h -> h.inStage("AWAIT_APPROVAL"));
    // a signal: the update would need the new worker to have taken over the run first (see RunHistory)
    wf.approve(ApprovalDecision.approve(APPROVER, "after a kill", "test"));
    PipelineResult result = result(wf);

    assertThat(result.outcome()).as(result.reason()).isEqualTo(Outcome.PROMOTED);
    assertThat(weights(names.prodEndpoint())).containsExactly(Map.entry("v1", 100));
    PlatformInventory.of(stack.platform()).assertExactlyOnce(names, true);
  }

  @Test
  @Order(2)
  void canarySurvivesAKillAtTheCanaryStepTheFullShiftAndTheFinalBake() {
    ResourceNames names = new ResourceNames(MODEL, "v2");
    SafeDeploymentWorkflow wf = start("v2", data.good(), policy(Duration.ofSeconds(6), Duration.ofSeconds(40)));
    killWhen(wf, "canary step 1 (10% bake)", Stage.DEPLOY_PROD,
        h -> h.bakingAfter("ShiftTraffic", 1) && weights(names.prodEndpoint()).getOrDefault("v2", 0) == 10);
    killWhen(wf, "canary step 2 (100% shifted)", Stage.DEPLOY_PROD,
        h -> weights(names.prodEndpoint()).getOrDefault("v2", 0) == 100);
    killWhen(wf, "final bake", Stage.DEPLOY_PROD, h -> h.bakingAfter("PostTraffic", 1));
    PipelineResult result = result(wf);

    assertThat(result.outcome()).as(result.reason()).isEqualTo(Outcome.PROMOTED);
    assertThat(weights(names.prodEndpoint())).containsExactly(Map.entry("v2", 100));
    PlatformInventory inventory = PlatformInventory.of(stack.platform());
    inventory.assertExactlyOnce(names, true);
    assertThat(inventory.variant(names.prodEndpoint(), "v1").get("exists")).as("blue v1 retired").isEqualTo(false);
  }

  @Test
  @Order(3)
  void rollbackSurvivesAKill() throws Exception {
    ResourceNames names = new ResourceNames(MODEL, "v3");
    try (TrafficGenerator traffic = new TrafficGenerator(data.good().test(), stack.platform().routerUrl(),
        names.prodEndpoint(), 40, 2)) {
      traffic.start();
      SafeDeploymentWorkflow wf = start("v3", data.broken(), policy(Duration.ofSeconds(60), Duration.ZERO));
      String errorAlarm = names.prodEndpoint() + "-v3-5xx";
      killWhen(wf, "rollback (green's 5xx alarm in ALARM)", Stage.ROLLBACK,
          h -> h.inStage("ROLLBACK") || inAlarm(errorAlarm));
      PipelineResult result = result(wf);

      assertThat(result.outcome()).as(result.reason()).isEqualTo(Outcome.ROLLED_BACK);
      assertThat(result.reason()).contains("alarm");
      assertThat(result.alarmToBlueMillis()).isNotNull();
      assertThat(weights(names.prodEndpoint())).containsExactly(Map.entry("v2", 100));
      PlatformInventory.of(stack.platform()).assertExactlyOnce(names, false);
    }
  }

  @Test
  @Order(4)
  void platformRestartMidCanaryRestoresEndpointsAndTheRunEndsConsistently() {
    ResourceNames names = new ResourceNames(MODEL, "v4");
    SafeDeploymentWorkflow wf = start("v4", data.good(), policy(Duration.ofSeconds(8), Duration.ofSeconds(2)));
    awaitRun(wf, h -> h.bakingAfter("ShiftTraffic", 1) && weights(names.prodEndpoint()).getOrDefault("v4", 0) == 10,
        Stage.DEPLOY_PROD, "canary 10% bake");
    Map<String, Integer> before = weights(names.prodEndpoint());
    stack.restartPlatform();
    Endpoint prod = stack.platform().endpoint(names.prodEndpoint());
    assertThat(prod.status()).isEqualTo("InService");
    assertThat(weights(names.prodEndpoint())).as("weights restored from disk").isEqualTo(before);
    PipelineResult result = result(wf);

    assertThat(result.outcome()).as(result.reason()).isIn(Outcome.PROMOTED, Outcome.ROLLED_BACK);
    faults.add("platform restart mid-canary -> " + result.outcome() + " (" + result.reason() + ")");
    if (result.outcome() == Outcome.PROMOTED) {
      assertThat(weights(names.prodEndpoint())).containsExactly(Map.entry("v4", 100));
    } else {
      assertThat(weights(names.prodEndpoint())).containsExactly(Map.entry("v2", 100));
    }
    PlatformInventory.of(stack.platform()).assertExactlyOnce(names, result.outcome() == Outcome.PROMOTED);
  }

  // ---- helpers ----

  private static DeploymentPolicy policy(Duration bake, Duration finalBake) {
    return DeploymentPolicy.builder().strategy(Strategy.CANARY).canaryPercent(10).bake(bake).finalBake(finalBake)
        .alarmPollInterval(Duration.ofSeconds(1)).approvalTimeout(Duration.ofMinutes(30))
        .reminderInterval(Duration.ofMinutes(30)).approvers(List.of(APPROVER)).watchWindow(Duration.ZERO)
        .build();
  }

  /** Starts the run; approves it automatically unless a test approves it itself after a kill at approval. */
  private static SafeDeploymentWorkflow start(String version, PreparedData prepared, DeploymentPolicy policy) {
    PipelineRequest request = new PipelineRequest(MODEL, version, BenchData.locations(prepared), Map.of(),
        REQUESTER, policy).validated();
    SafeDeploymentWorkflow wf = PipelineRuns.start(stack.client(), request).workflow();
    if (!version.equals("v1")) {
      awaitRun(wf, h -> h.inStage("AWAIT_APPROVAL"), Stage.AWAIT_APPROVAL, "approval");
      wf.decide(ApprovalDecision.approve(APPROVER, "reliability suite", "test"));
    }
    return wf;
  }

  /** Watches the run until {@code when} holds, then kills the worker and starts a new one. */
  private static void killWhen(SafeDeploymentWorkflow wf, String point, Stage notAfter,
      Predicate<RunHistory> when) {
    awaitRun(wf, when, notAfter, point);
    worker.kill();
    faults.add(point);
    worker.start();
  }

  /** Like {@link #killWhen}, for a point the run may pass in less than one poll; a miss is reported, not failed. */
  private static void killIfCaught(SafeDeploymentWorkflow wf, String point, Stage notAfter,
      Predicate<RunHistory> when) {
    String id = WorkflowStub.fromTyped(wf).getExecution().getWorkflowId();
    long deadline = System.nanoTime() + RUN_LIMIT.toNanos();
    while (System.nanoTime() < deadline) {
      RunHistory h = RunHistory.of(stack.client(), id);
      if (when.test(h)) {
        worker.kill();
        faults.add(point);
        worker.start();
        return;
      }
      if (h.closed() || (h.stage() != null && Stage.valueOf(h.stage()).compareTo(notAfter) > 0)) {
        missed.add(point);
        return;
      }
      WorkerProcess.sleep(10);
    }
    fail("no " + point + " within " + RUN_LIMIT);
  }

  private static RunHistory awaitRun(SafeDeploymentWorkflow wf, Predicate<RunHistory> when, Stage notAfter,
      String what) {
    String id = WorkflowStub.fromTyped(wf).getExecution().getWorkflowId();
    long deadline = System.nanoTime() + RUN_LIMIT.toNanos();
    RunHistory last = null;
    while (System.nanoTime() < deadline) {
      last = RunHistory.of(stack.client(), id);
      if (when.test(last)) {
        return last;
      }
      if (last.closed() || (last.stage() != null && Stage.valueOf(last.stage()).compareTo(notAfter) > 0)) {
        fail("the run went past " + what + " before it could be caught: stage " + last.stage() + ", "
            + last.sequence());
      }
      WorkerProcess.sleep(10);
    }
    return fail("no " + what + " within " + RUN_LIMIT + "; last seen " + last);
  }

  private static PipelineResult result(SafeDeploymentWorkflow wf) {
    try {
      return WorkflowStub.fromTyped(wf).getResult(RUN_LIMIT.toSeconds(), TimeUnit.SECONDS, PipelineResult.class);
    } catch (java.util.concurrent.TimeoutException e) {
      String id = WorkflowStub.fromTyped(wf).getExecution().getWorkflowId();
      return fail("the run did not finish within " + RUN_LIMIT + "; " + RunHistory.of(stack.client(), id));
    }
  }

  private static Map<String, Integer> weights(String endpoint) {
    try {
      return stack.platform().endpoint(endpoint).variants().stream()
          .collect(Collectors.toMap(v -> v.name(), v -> v.weight()));
    } catch (PlatformException e) {
      return Map.of();
    }
  }

  private static boolean exists(String endpoint) {
    try {
      stack.platform().endpoint(endpoint);
      return true;
    } catch (PlatformException e) {
      return false;
    }
  }

  private static boolean inAlarm(String alarm) {
    try {
      return "ALARM".equals(stack.platform().alarm(alarm).state().state());
    } catch (PlatformException e) {
      return false;
    }
  }

  private static boolean jobInProgress(java.util.function.Supplier<JobStatus> status) {
    try {
      return status.get() == JobStatus.InProgress;
    } catch (PlatformException e) {
      return false;
    }
  }
}
