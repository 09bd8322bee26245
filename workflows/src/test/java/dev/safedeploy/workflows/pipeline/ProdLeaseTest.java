package dev.safedeploy.workflows.pipeline;

import static dev.safedeploy.workflows.testing.PipelineHarness.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.safedeploy.workflows.lease.EndpointLeaseWorkflow;
import dev.safedeploy.workflows.lease.LeaseMode;
import dev.safedeploy.workflows.lease.LeaseState;
import dev.safedeploy.workflows.testing.FakeBackend;
import dev.safedeploy.workflows.testing.PipelineHarness;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowStub;
import io.temporal.failure.CanceledFailure;
import io.temporal.failure.TerminatedFailure;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * One run at a time in production per endpoint: concurrent versions of one model queue for the production lease in
 * approval order, each takes the previous winner as blue, and the lease is freed whatever becomes of its holder.
 *
 * <p>Time only moves while the test waits for a result (the harness's status polling does not skip it), so a run that
 * holds the lease in its canary bake stays there until the test waits.
 */
@Timeout(90)
class ProdLeaseTest {

  private static final String PROD = "nyctaxi-prod";
  private static final String LEASE = EndpointLeaseWorkflow.workflowId(PROD);
  private PipelineHarness harness;

  @AfterEach
  void tearDown() {
    if (harness != null) {
      harness.close();
    }
  }

  private static DeploymentPolicy.Builder policy() {
    return DeploymentPolicy.builder().watchWindow(Duration.ofMinutes(10));
  }

  /** Starts every version and returns once all of them wait for approval. */
  private List<SafeDeploymentWorkflow> startAll(PipelineHarness h, DeploymentPolicy policy, String... versions) {
    harness = h;
    List<SafeDeploymentWorkflow> runs = new ArrayList<>();
    for (String v : versions) {
      runs.add(harness.start(request(v, policy)));
    }
    runs.forEach(wf -> harness.awaitStage(wf, Stage.AWAIT_APPROVAL));
    return runs;
  }

  private static void approve(SafeDeploymentWorkflow wf) {
    wf.decide(ApprovalDecision.approve("bob", "ok", "cli"));
  }

  /** Approves and waits until the run bakes its canary: it holds the lease, in production. */
  private PipelineStatus approveIntoCanary(SafeDeploymentWorkflow wf) {
    approve(wf);
    return harness.awaitStatus(wf, s -> s.stage() == Stage.DEPLOY_PROD && s.trafficStep() >= 1);
  }

  /** Approves and waits until the run queues behind {@code holder}. */
  private PipelineStatus approveIntoQueue(SafeDeploymentWorkflow wf, String holder, int place) {
    approve(wf);
    return harness.awaitStatus(wf, s -> s.stage() == Stage.QUEUED_FOR_PROD && s.prodLease() != null
        && ("deploy-nyctaxi-" + holder).equals(s.prodLease().holderWorkflowId()) && s.prodLease().position() == place);
  }

  /**
   * Waits until the run sits in its canary bake's timer: terminating a run while one of its activities is out leaves
   * the test server's clock locked (time would never skip again).
   */
  private void awaitBaking(SafeDeploymentWorkflow wf) {
    harness.awaitStatus(wf, s -> s.stepEndsAt() != null && s.step() != null && s.step().contains("bake"));
  }

  private PipelineResult result(SafeDeploymentWorkflow wf) {
    try {
      return WorkflowStub.fromTyped(wf).getResult(30, TimeUnit.SECONDS, PipelineResult.class);
    } catch (TimeoutException e) {
      throw new AssertionError("no result; status: " + wf.status(), e);
    }
  }

  private int indexOf(String call) {
    int i = harness.backend.calls.indexOf(call);
    assertThat(i).as("call " + call + " in " + harness.backend.calls).isNotNegative();
    return i;
  }

  /** Every state production went through: weights add up to 100 and name every variant the endpoint has. */
  private void assertWeightsAlwaysWhole() {
    List<Map<String, Integer>> history = harness.backend.weightHistory.get(PROD);
    assertThat(history).isNotEmpty();
    assertThat(history).allSatisfy(w ->
        assertThat(w.values().stream().mapToInt(Integer::intValue).sum()).as("weights " + w).isEqualTo(100));
    // a shift names exactly the variants the endpoint has (the fake refuses anything else): each line shows the set
    harness.backend.calls.stream().filter(c -> c.startsWith("shiftTraffic " + PROD)).forEach(c -> {
      String weights = c.substring(c.indexOf('{') + 1, c.indexOf('}'));
      int sum = 0;
      for (String part : weights.split(", ")) {
        sum += Integer.parseInt(part.substring(part.indexOf('=') + 1));
      }
      assertThat(sum).as(c).isEqualTo(100);
    });
  }

  private LeaseState leaseState() {
    return harness.client.newWorkflowStub(EndpointLeaseWorkflow.class, LEASE).state();
  }

  private void assertLeaseWorkflowEnds() {
    WorkflowStub lease = harness.client.newUntypedWorkflowStub(LEASE);
    try {
      lease.getResult(30, TimeUnit.SECONDS, Void.class);
    } catch (TimeoutException e) {
      throw new AssertionError("lease workflow still open: " + leaseState(), e);
    }
    assertThat(lease.describe().getStatus()).isEqualTo(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_COMPLETED);
  }

  @Test
  void twoVersionsTakeTurnsAndTheSecondReadsTheFirstAsBlue() {
    List<SafeDeploymentWorkflow> runs = startAll(new PipelineHarness(new FakeBackend().withLive("nyctaxi", "v1", 5.0)),
        policy().build(), "v2", "v3");
    SafeDeploymentWorkflow v2 = runs.get(0);
    SafeDeploymentWorkflow v3 = runs.get(1);

    PipelineStatus holding = approveIntoCanary(v2);
    assertThat(holding.prodLease().state()).isEqualTo(ProdLease.State.HELD);
    PipelineStatus queued = approveIntoQueue(v3, "v2", 1);
    assertThat(queued.prodLease()).isEqualTo(
        new ProdLease(PROD, ProdLease.State.QUEUED, "deploy-nyctaxi-v2", "v2", 1));
    assertThat(queued.step()).contains("behind deploy-nyctaxi-v2 (v2)");
    assertThat(leaseState().queue())
        .extracting(h -> h.workflowId()).containsExactly("deploy-nyctaxi-v3");

    PipelineResult first = result(v2);
    PipelineResult second = result(v3);
    assertThat(first.outcome()).as(first.reason()).isEqualTo(Outcome.PROMOTED);
    assertThat(second.outcome()).as(second.reason()).isEqualTo(Outcome.PROMOTED);
    assertThat(second.reason()).contains("replacing v2");
    assertThat(second.liveVersion()).isEqualTo("v3");
    assertThat(v3.status().blueVersion()).isEqualTo("v2");
    assertThat(v3.status().prodLease().state()).isEqualTo(ProdLease.State.RELEASED);

    // v3 touched production only after v2 was done with it, watch window included.
    assertThat(indexOf("addVariant nyctaxi-prod v3=0")).isGreaterThan(indexOf("removeVariant nyctaxi-prod v1"));
    Stage[] order = second.stages().stream().map(StageRecord::stage).toArray(Stage[]::new);
    assertThat(order).containsSubsequence(Stage.AWAIT_APPROVAL, Stage.QUEUED_FOR_PROD, Stage.DEPLOY_PROD, Stage.DONE);
    StageRecord v2Done = first.stages().get(first.stages().size() - 1);
    StageRecord v3Queue = second.stages().stream().filter(s -> s.stage() == Stage.QUEUED_FOR_PROD).findFirst()
        .orElseThrow();
    assertThat(v3Queue.endedAt()).isAfterOrEqualTo(v2Done.startedAt());

    assertWeightsAlwaysWhole();
    assertThat(harness.backend.weights(PROD)).containsExactly(Map.entry("v3", 100));
    assertThat(harness.backend.endpoints).containsOnlyKeys(PROD);
    assertLeaseWorkflowEnds();
  }

  @Test
  void threeVersionsGoInApprovalOrderAndTheLastPromotedIsLive() {
    List<SafeDeploymentWorkflow> runs = startAll(new PipelineHarness(new FakeBackend().withLive("nyctaxi", "v1", 5.0)),
        policy().build(), "v2", "v3", "v4");
    approveIntoCanary(runs.get(0));
    approveIntoQueue(runs.get(1), "v2", 1);
    approveIntoQueue(runs.get(2), "v2", 2);

    assertThat(result(runs.get(0)).outcome()).isEqualTo(Outcome.PROMOTED);
    // v4 moves up behind the new holder, and says so.
    harness.awaitStatus(runs.get(2), s -> s.stage() == Stage.QUEUED_FOR_PROD
        && "deploy-nyctaxi-v3".equals(s.prodLease().holderWorkflowId()) && s.prodLease().position() == 1);
    PipelineResult r3 = result(runs.get(1));
    PipelineResult r4 = result(runs.get(2));
    assertThat(r3.outcome()).as(r3.reason()).isEqualTo(Outcome.PROMOTED);
    assertThat(r4.outcome()).as(r4.reason()).isEqualTo(Outcome.PROMOTED);

    assertThat(runs).extracting(wf -> wf.status().blueVersion()).containsExactly("v1", "v2", "v3");
    assertThat(List.of(indexOf("addVariant nyctaxi-prod v2=0"), indexOf("removeVariant nyctaxi-prod v1"),
        indexOf("addVariant nyctaxi-prod v3=0"), indexOf("removeVariant nyctaxi-prod v2"),
        indexOf("addVariant nyctaxi-prod v4=0"), indexOf("removeVariant nyctaxi-prod v3"))).isSorted();
    assertWeightsAlwaysWhole();
    assertThat(r4.liveVersion()).isEqualTo("v4");
    assertThat(harness.backend.weights(PROD)).containsExactly(Map.entry("v4", 100));
    assertThat(harness.backend.endpoints).containsOnlyKeys(PROD);
    assertLeaseWorkflowEnds();
  }

  @Test
  void holderCancelledRollsBackAndTheQueuedRunGoesOn() {
    List<SafeDeploymentWorkflow> runs = startAll(new PipelineHarness(new FakeBackend().withLive("nyctaxi", "v1", 5.0)),
        policy().build(), "v2", "v3");
    approveIntoCanary(runs.get(0));
    approveIntoQueue(runs.get(1), "v2", 1);

    WorkflowStub.fromTyped(runs.get(0)).cancel();
    assertThatThrownBy(() -> result(runs.get(0))).isInstanceOf(WorkflowFailedException.class)
        .hasCauseInstanceOf(CanceledFailure.class);
    assertThat(runs.get(0).status().outcome()).isEqualTo(Outcome.ROLLED_BACK);
    PipelineResult r3 = result(runs.get(1));

    assertThat(r3.outcome()).as(r3.reason()).isEqualTo(Outcome.PROMOTED);
    assertThat(runs.get(1).status().blueVersion()).isEqualTo("v1");
    assertThat(indexOf("addVariant nyctaxi-prod v3=0")).isGreaterThan(indexOf("removeVariant nyctaxi-prod v2"));
    assertWeightsAlwaysWhole();
    assertThat(harness.backend.weights(PROD)).containsExactly(Map.entry("v3", 100));
    assertLeaseWorkflowEnds();
  }

  @Test
  void holderTerminatedIsFoundDeadAndTheQueuedRunGoesOn() {
    List<SafeDeploymentWorkflow> runs = startAll(new PipelineHarness(new FakeBackend().withLive("nyctaxi", "v1", 5.0)),
        policy().build(), "v2", "v3");
    approveIntoCanary(runs.get(0));
    approveIntoQueue(runs.get(1), "v2", 1);

    // A terminated run runs no code: it neither rolls back nor releases; its green keeps its 10%.
    WorkflowStub.fromTyped(runs.get(0)).terminate("operator pulled the plug");
    assertThatThrownBy(() -> result(runs.get(0))).isInstanceOf(WorkflowFailedException.class)
        .hasCauseInstanceOf(TerminatedFailure.class);
    PipelineResult r3 = result(runs.get(1));

    assertThat(r3.outcome()).as(r3.reason()).isEqualTo(Outcome.PROMOTED);
    assertThat(runs.get(1).status().blueVersion()).isEqualTo("v1");
    // v3's first shift names the orphaned v2 at 0%: nothing serves the terminated run's version any more.
    assertThat(harness.backend.calls).contains("shiftTraffic nyctaxi-prod {v1=90, v3=10, v2=0}");
    assertWeightsAlwaysWhole();
    assertThat(harness.backend.weights(PROD)).containsEntry("v3", 100).containsEntry("v2", 0);
    assertLeaseWorkflowEnds();
  }

  @Test
  void holderTerminatedWithNobodyWaitingIsFoundDeadByTheNextAsker() {
    harness = new PipelineHarness(new FakeBackend().withLive("nyctaxi", "v1", 5.0));
    SafeDeploymentWorkflow v2 = harness.start(request("v2", policy().build()));
    harness.awaitStage(v2, Stage.AWAIT_APPROVAL);
    approveIntoCanary(v2);
    awaitBaking(v2);

    WorkflowStub.fromTyped(v2).terminate("operator pulled the plug");
    assertThatThrownBy(() -> result(v2)).isInstanceOf(WorkflowFailedException.class)
        .hasCauseInstanceOf(TerminatedFailure.class);
    // Nobody waits, so nobody has looked: the lease still names the dead run ...
    assertThat(harness.client.newUntypedWorkflowStub(LEASE).query("state", LeaseState.class).holder().workflowId())
        .isEqualTo("deploy-nyctaxi-v2");

    // ... until the next run asks: the holder is checked at once, found ended, and the lease is the asker's.
    SafeDeploymentWorkflow v3 = harness.start(request("v3", policy().build()));
    harness.awaitStage(v3, Stage.AWAIT_APPROVAL);
    approve(v3);
    PipelineResult r3 = result(v3);

    assertThat(r3.outcome()).as(r3.reason()).isEqualTo(Outcome.PROMOTED);
    // Blue read afresh when the lease came: v1 still serves 90%, the terminated run's v2 keeps its 10% until v3's
    // first shift names it at 0%.
    assertThat(v3.status().blueVersion()).isEqualTo("v1");
    assertThat(harness.backend.calls).contains("shiftTraffic nyctaxi-prod {v1=90, v3=10, v2=0}");
    assertWeightsAlwaysWhole();
    assertThat(harness.backend.weights(PROD)).containsEntry("v3", 100).containsEntry("v2", 0);
    assertLeaseWorkflowEnds();
  }

  @Test
  void queuedRunCancelledLeavesTheLine() {
    List<SafeDeploymentWorkflow> runs = startAll(new PipelineHarness(new FakeBackend().withLive("nyctaxi", "v1", 5.0)),
        policy().build(), "v2", "v3", "v4");
    approveIntoCanary(runs.get(0));
    approveIntoQueue(runs.get(1), "v2", 1);
    approveIntoQueue(runs.get(2), "v2", 2);

    WorkflowStub.fromTyped(runs.get(1)).cancel();
    assertThatThrownBy(() -> result(runs.get(1))).isInstanceOf(WorkflowFailedException.class);
    PipelineStatus v3 = runs.get(1).status();
    assertThat(v3.outcome()).isEqualTo(Outcome.ROLLED_BACK);
    assertThat(v3.reason()).contains("cancelled during QUEUED_FOR_PROD");
    // v4 moves up to first place, still behind v2.
    harness.awaitStatus(runs.get(2), s -> s.prodLease().position() == 1);

    assertThat(result(runs.get(0)).outcome()).isEqualTo(Outcome.PROMOTED);
    assertThat(result(runs.get(2)).outcome()).isEqualTo(Outcome.PROMOTED);
    assertThat(harness.backend.calls).noneMatch(c -> c.startsWith("addVariant nyctaxi-prod v3"))
        .contains("deleteEndpoint nyctaxi-dev-v3");
    assertThat(runs.get(2).status().blueVersion()).isEqualTo("v2");
    assertThat(harness.backend.weights(PROD)).containsExactly(Map.entry("v4", 100));
    assertLeaseWorkflowEnds();
  }

  @Test
  void refusePolicyEndsTheSecondRunWithoutTouchingProduction() {
    harness = new PipelineHarness(new FakeBackend().withLive("nyctaxi", "v1", 5.0));
    SafeDeploymentWorkflow v2 = harness.start(request("v2", policy().build()));
    SafeDeploymentWorkflow v3 = harness.start(request("v3", policy().prodLease(LeaseMode.REFUSE).build()));
    harness.awaitStage(v2, Stage.AWAIT_APPROVAL);
    harness.awaitStage(v3, Stage.AWAIT_APPROVAL);
    approveIntoCanary(v2);
    approve(v3);

    PipelineResult refused = result(v3);
    assertThat(refused.outcome()).isEqualTo(Outcome.PROD_BUSY);
    assertThat(refused.reason()).contains("nyctaxi-prod is busy").contains("deploy-nyctaxi-v2 (v2)")
        .contains("prodLease is REFUSE");
    assertThat(v3.status().prodLease().state()).isEqualTo(ProdLease.State.RELEASED);
    assertThat(harness.backend.calls).noneMatch(c -> c.contains("v3") && c.contains("nyctaxi-prod"))
        .contains("deleteEndpoint nyctaxi-dev-v3");
    assertThat(harness.backend.notifications).anyMatch(n -> n.text().contains("PROD_BUSY"));

    assertThat(result(v2).outcome()).isEqualTo(Outcome.PROMOTED);
    assertThat(harness.backend.weights(PROD)).containsExactly(Map.entry("v2", 100));
  }

  @Test
  void refusePolicyGoesOnWhenNobodyHoldsTheLease() {
    harness = new PipelineHarness(new FakeBackend().withLive("nyctaxi", "v1", 5.0));
    SafeDeploymentWorkflow v2 = harness.start(request("v2", policy().prodLease(LeaseMode.REFUSE).build()));
    harness.awaitStage(v2, Stage.AWAIT_APPROVAL);
    approve(v2);
    assertThat(result(v2).outcome()).isEqualTo(Outcome.PROMOTED);
  }

  @Test
  void afterWaitingTheQualityGateComparesWithTheVersionLiveThen() {
    FakeBackend backend = new FakeBackend().withLive("nyctaxi", "v1", 5.0);
    harness = new PipelineHarness(backend);
    SafeDeploymentWorkflow v2 = harness.start(request("v2", policy().build()));
    harness.awaitStage(v2, Stage.AWAIT_APPROVAL);
    backend.trainingRmse = 4.8; // within 5% of v1 (5.0), not of v2 (4.2)
    SafeDeploymentWorkflow v3 = harness.start(request("v3", policy().build()));
    harness.awaitStage(v3, Stage.AWAIT_APPROVAL);
    approveIntoCanary(v2);
    approveIntoQueue(v3, "v2", 1);

    assertThat(result(v2).outcome()).isEqualTo(Outcome.PROMOTED);
    PipelineResult r3 = result(v3);
    assertThat(r3.outcome()).isEqualTo(Outcome.FAILED_QUALITY_GATE);
    assertThat(r3.reason()).contains("worse than live v2");
    assertThat(backend.calls).noneMatch(c -> c.startsWith("addVariant nyctaxi-prod v3"));
    assertThat(backend.weights(PROD)).containsExactly(Map.entry("v2", 100));
    assertLeaseWorkflowEnds();
  }

  @Test
  void leaseWorkflowContinuesAsNewAndKeepsItsLine() {
    // A liveness check every minute through a 30-minute canary bake grows the lease's history past 40 events.
    FakeBackend backend = new FakeBackend().withLive("nyctaxi", "v1", 5.0);
    List<SafeDeploymentWorkflow> runs = startAll(new PipelineHarness(backend, Duration.ofMinutes(1), 40),
        policy().bake(Duration.ofMinutes(30)).build(), "v2", "v3");
    approveIntoCanary(runs.get(0));
    approveIntoQueue(runs.get(1), "v2", 1);
    String firstRun = harness.client.newUntypedWorkflowStub(LEASE).describe().getExecution().getRunId();

    assertThat(result(runs.get(0)).outcome()).isEqualTo(Outcome.PROMOTED);
    assertThat(result(runs.get(1)).outcome()).isEqualTo(Outcome.PROMOTED);
    assertThat(runs.get(1).status().blueVersion()).isEqualTo("v2");
    assertThat(harness.client.newUntypedWorkflowStub(LEASE, Optional.of(firstRun), Optional.empty()).describe()
        .getStatus()).isEqualTo(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_CONTINUED_AS_NEW);
    assertThat(harness.backend.weights(PROD)).containsExactly(Map.entry("v3", 100));
    assertLeaseWorkflowEnds();
  }
}
