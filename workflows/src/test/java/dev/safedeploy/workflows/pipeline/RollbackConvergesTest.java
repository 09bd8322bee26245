package dev.safedeploy.workflows.pipeline;

import static dev.safedeploy.workflows.testing.PipelineHarness.request;
import static org.assertj.core.api.Assertions.assertThat;

import dev.safedeploy.workflows.testing.FakeBackend;
import dev.safedeploy.workflows.testing.PipelineHarness;
import io.temporal.client.WorkflowStub;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A rollback converges: a step that fails is tried again against production as it is then, a blue that is gone is
 * replaced by the best surviving version, green is removed in every case, and the run always ends with an outcome and a
 * reason.
 */
@Timeout(90)
class RollbackConvergesTest {

  private static final String PROD = "nyctaxi-prod";
  private static final String ALARM = "nyctaxi-prod-v2-5xx";
  private PipelineHarness harness;

  @AfterEach
  void tearDown() {
    if (harness != null) {
      harness.close();
    }
  }

  /** Runs v2 over live v1; {@code atCanary} runs in the first alarm poll of the 10% canary bake. */
  private SafeDeploymentWorkflow runWithAlarmInCanary(FakeBackend backend, Runnable atCanary) {
    AtomicBoolean atTenPercent = new AtomicBoolean();
    AtomicBoolean done = new AtomicBoolean();
    backend.onCall = c -> {
      if (c.startsWith("shiftTraffic nyctaxi-prod {v1=90, v2=10")) {
        atTenPercent.set(true);
      } else if (c.equals("pollAlarms") && atTenPercent.get() && done.compareAndSet(false, true)) {
        atCanary.run();
        backend.alarmsInAlarm.add(ALARM);
      }
    };
    harness = new PipelineHarness(backend);
    SafeDeploymentWorkflow wf = harness.start(request("v2", DeploymentPolicy.builder().watchWindow(Duration.ZERO)
        .build()));
    harness.awaitStage(wf, Stage.AWAIT_APPROVAL);
    wf.decide(ApprovalDecision.approve("bob", "ok", "cli"));
    return wf;
  }

  private PipelineResult result(SafeDeploymentWorkflow wf) {
    try {
      return WorkflowStub.fromTyped(wf).getResult(60, TimeUnit.SECONDS, PipelineResult.class);
    } catch (TimeoutException e) {
      throw new AssertionError("no result; status: " + wf.status(), e);
    }
  }

  /** The backend loses blue (variant and model) mid-canary, as when someone else retired it. */
  private static void loseBlue(FakeBackend backend) {
    backend.endpoints.get(PROD).remove("v1");
    backend.missingModels.add("nyctaxi-v1");
  }

  @Test
  void aRollbackShiftThatFailsIsTriedAgainstProductionAsItIs() {
    FakeBackend backend = new FakeBackend().withLive("nyctaxi", "v1", 5.0);
    SafeDeploymentWorkflow wf = runWithAlarmInCanary(backend, () -> backend.failingPermanently("shiftTraffic", 1));
    PipelineResult result = result(wf);

    assertThat(result.outcome()).as(result.reason()).isEqualTo(Outcome.ROLLED_BACK);
    assertThat(result.reason()).contains(ALARM);
    assertThat(backend.collapsedCalls()).containsSubsequence(
        "shiftTraffic nyctaxi-prod {v1=100, v2=0}", // refused
        "describeProduction nyctaxi-prod",
        "shiftTraffic nyctaxi-prod {v1=100, v2=0}",
        "removeVariant nyctaxi-prod v2",
        "unwatchAlarms v2",
        "deleteEndpoint nyctaxi-dev-v2");
    assertThat(wf.status().events()).anyMatch(e -> e.contains("rollback round 1 failed: injected permanent failure"));
    assertThat(backend.weights(PROD)).containsExactly(Map.entry("v1", 100));
    assertThat(result.liveVersion()).isEqualTo("v1");
  }

  @Test
  void aStepStillFailingAfterItsActivityRetriesGetsAnotherRound() {
    FakeBackend backend = new FakeBackend().withLive("nyctaxi", "v1", 5.0);
    // 12 > the 10 attempts of the endpoint activities: the first round gives up on removing green, the second does it
    SafeDeploymentWorkflow wf = runWithAlarmInCanary(backend, () -> backend.failing("removeVariant", 12));
    PipelineResult result = result(wf);

    assertThat(result.outcome()).as(result.reason()).isEqualTo(Outcome.ROLLED_BACK);
    assertThat(wf.status().events()).anyMatch(e -> e.contains("rollback round 1 failed"))
        .noneMatch(e -> e.contains("rollback round 2 failed"));
    assertThat(backend.calls.stream().filter(c -> c.equals("removeVariant nyctaxi-prod v2"))).hasSize(13);
    // the second round found traffic already on blue: it only removed green
    assertThat(backend.calls.stream().filter(c -> c.startsWith("shiftTraffic nyctaxi-prod {v1=100"))).hasSize(1);
    assertThat(backend.weights(PROD)).containsExactly(Map.entry("v1", 100));
  }

  @Test
  void blueGoneRestoresTheBestSurvivingVersion() {
    FakeBackend backend = new FakeBackend().withLive("nyctaxi", "v1", 5.0).withVariant(PROD, "v0", 0);
    SafeDeploymentWorkflow wf = runWithAlarmInCanary(backend, () -> loseBlue(backend));
    PipelineResult result = result(wf);

    assertThat(result.outcome()).as(result.reason()).isEqualTo(Outcome.ROLLED_BACK);
    assertThat(result.reason()).contains(ALARM)
        .contains("blue v1 was gone: restored v0, the best surviving version");
    assertThat(backend.collapsedCalls()).containsSubsequence(
        "shiftTraffic nyctaxi-prod {v1=100, v2=0, v0=0}", // refused: v1 is not there any more
        "describeProduction nyctaxi-prod",
        "addVariant nyctaxi-prod v1=0", // its model is gone too
        "shiftTraffic nyctaxi-prod {v0=100, v2=0}",
        "removeVariant nyctaxi-prod v2",
        "deleteEndpoint nyctaxi-dev-v2");
    assertThat(backend.weights(PROD)).containsExactly(Map.entry("v0", 100));
    assertThat(result.liveVersion()).isEqualTo("v0");
    assertThat(result.traffic()).containsExactly(Map.entry("v0", 100));
  }

  @Test
  void blueGoneAndNothingElseLeftStillRemovesGreenAndSaysSo() {
    FakeBackend backend = new FakeBackend().withLive("nyctaxi", "v1", 5.0);
    SafeDeploymentWorkflow wf = runWithAlarmInCanary(backend, () -> loseBlue(backend));
    PipelineResult result = result(wf);

    assertThat(result.outcome()).as(result.reason()).isEqualTo(Outcome.ROLLED_BACK);
    assertThat(result.reason()).contains("blue v1 was gone and no other version survives")
        .contains("production endpoint nyctaxi-prod removed with green");
    assertThat(backend.calls).contains("removeVariant nyctaxi-prod v2", "deleteEndpoint nyctaxi-dev-v2");
    assertThat(backend.endpoints).doesNotContainKey(PROD);
    assertThat(result.liveVersion()).isNull();
  }

  @Test
  void aRollbackThatCannotConvergeEndsTheRunWithAnOutcomeAndWhatIsLeft() {
    FakeBackend backend = new FakeBackend().withLive("nyctaxi", "v1", 5.0);
    SafeDeploymentWorkflow wf = runWithAlarmInCanary(backend,
        () -> backend.failingPermanently("removeVariant", 1000));
    PipelineResult result = result(wf); // a result, not a failed execution

    assertThat(result.outcome()).isEqualTo(Outcome.FAILED);
    assertThat(result.reason()).contains(ALARM)
        .contains("rollback incomplete: 8 rounds failed, last: injected permanent failure of removeVariant")
        .contains("production {").contains("v1=100").contains("v2=0");
    PipelineStatus status = wf.status();
    assertThat(status.stage()).isEqualTo(Stage.DONE);
    assertThat(status.prodLease().state()).isEqualTo(ProdLease.State.RELEASED);
    // traffic is on blue all the same, and the other compensations ran
    assertThat(backend.weights(PROD)).containsEntry("v1", 100).containsEntry("v2", 0);
    assertThat(backend.calls).contains("unwatchAlarms v2", "deleteEndpoint nyctaxi-dev-v2");
  }
}
