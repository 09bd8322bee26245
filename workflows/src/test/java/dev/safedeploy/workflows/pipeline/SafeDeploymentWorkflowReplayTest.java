package dev.safedeploy.workflows.pipeline;

import static dev.safedeploy.workflows.testing.PipelineHarness.request;
import static org.assertj.core.api.Assertions.assertThat;

import dev.safedeploy.workflows.testing.FakeBackend;
import dev.safedeploy.workflows.testing.PipelineHarness;
import io.temporal.client.WorkflowStub;
import io.temporal.testing.WorkflowReplayer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Determinism guard: histories recorded by earlier builds must replay on the current workflow code. A change that breaks
 * one of these needs a {@code Workflow.getVersion} guard, not a re-recording. New paths get new recordings:
 * {@code ./mvnw -pl workflows test -Dtest=SafeDeploymentWorkflowReplayTest -Drecord.histories=true}.
 */
class SafeDeploymentWorkflowReplayTest {

  private static final Path DIR = Path.of("src/test/resources/histories");

  static Stream<Path> histories() throws IOException {
    try (Stream<Path> files = Files.list(DIR)) {
      return files.filter(p -> p.toString().endsWith(".json")).sorted().toList().stream();
    }
  }

  @Test
  void historiesAreCheckedIn() throws IOException {
    assertThat(histories()).extracting(p -> p.getFileName().toString())
        .contains("canary-promoted.json", "canary-alarm-rollback.json", "rejected.json", "first-deployment.json",
            "all-at-once-before-bake.json", "all-at-once-bake.json", "canary-promoted-lease.json",
            "canary-alarm-rollback-converging.json", "watch-window-rollback-monitoring.json",
            "alarm-at-approval-overridden.json", "canary-promoted-alarms-removed.json",
            "canary-alarm-rollback-alarms-removed.json", "canary-judge-pass.json", "canary-judge-fail.json",
            "canary-judge-marginal-approved.json", "canary-shadow-judged.json",
            "watch-window-rollback-model-deleted.json", "watch-window-over-blue-model-deleted.json",
            "canary-paired-judged.json", "canary-paired-judge-fail.json");
  }

  @ParameterizedTest
  @MethodSource("histories")
  void replays(Path history) throws Exception {
    WorkflowReplayer.replayWorkflowExecution(Files.readString(history), SafeDeploymentWorkflowImpl.class);
  }

  @Test
  @EnabledIfSystemProperty(named = "record.histories", matches = "true")
  void record() {
    DeploymentPolicy policy = DeploymentPolicy.builder().bake(Duration.ofMinutes(2)).finalBake(Duration.ofMinutes(1))
        .watchWindow(Duration.ofMinutes(10)).build();
    recordRun("canary-promoted.json", new FakeBackend().withLive("nyctaxi", "v1", 5.0), policy, true);
    FakeBackend alarming = new FakeBackend().withLive("nyctaxi", "v1", 5.0);
    alarming.onCall = c -> {
      if (c.contains("v2=10}")) {
        alarming.alarmsInAlarm.add("nyctaxi-prod-v2-5xx");
      }
    };
    recordRun("canary-alarm-rollback.json", alarming, policy, true);
    recordRun("rejected.json", new FakeBackend().withLive("nyctaxi", "v1", 5.0), policy, false);
    recordRun("first-deployment.json", new FakeBackend(), policy, true);
    recordRun("all-at-once-before-bake.json", new FakeBackend().withLive("nyctaxi", "v1", 5.0),
        policy.toBuilder().strategy(Strategy.ALL_AT_ONCE).build(), true);
    recordRun("all-at-once-bake.json", new FakeBackend().withLive("nyctaxi", "v1", 5.0),
        policy.toBuilder().strategy(Strategy.ALL_AT_ONCE).build(), true);
    // from getVersion prod-lease 1: the production lease is asked for, granted and released
    recordRun("canary-promoted-lease.json", new FakeBackend().withLive("nyctaxi", "v1", 5.0), policy, true);
    // from getVersion converging-rollback 1: the saga's compensations, a rollback shift refused once and re-planned
    FakeBackend refusing = new FakeBackend().withLive("nyctaxi", "v1", 5.0);
    refusing.onCall = c -> {
      if (c.contains("v2=10}")) {
        refusing.alarmsInAlarm.add("nyctaxi-prod-v2-5xx");
        refusing.failingPermanently("shiftTraffic", 1);
      }
    };
    recordRun("canary-alarm-rollback-converging.json", refusing, policy, true);
    // from getVersion monitoring-handover 1: a rollback in the watch window retires v2's drift monitoring, v1's back
    recordWatchWindowRollback("watch-window-rollback-monitoring.json",
        new FakeBackend().withLive("nyctaxi", "v1", 5.0), policy);
    // from getVersion remove-canary-alarms 1: blue's canary alarms deleted on retirement, green's on rollback
    recordRun("canary-promoted-alarms-removed.json", new FakeBackend().withLive("nyctaxi", "v1", 5.0), policy, true);
    FakeBackend alarmingAgain = new FakeBackend().withLive("nyctaxi", "v1", 5.0);
    alarmingAgain.onCall = c -> {
      if (c.contains("v2=10}")) {
        alarmingAgain.alarmsInAlarm.add("nyctaxi-prod-v2-5xx");
      }
    };
    recordRun("canary-alarm-rollback-alarms-removed.json", alarmingAgain, policy, true);
    // from getVersion alarms-at-approval 1: a named alarm in ALARM is polled during approval, a plain approval is
    // refused, the override is accepted and the overridden transition does not stop the canary
    FakeBackend alarmingBlue = new FakeBackend().withLive("nyctaxi", "v1", 5.0);
    alarmingBlue.alarmsInAlarm.add("nyctaxi-prod-errors");
    recordOverride("alarm-at-approval-overridden.json", alarmingBlue,
        policy.toBuilder().alarmNames(java.util.List.of("nyctaxi-prod-errors")).build());
    // from getVersion canary-judge 1: the judge at the end of the canary bake, passing, failing, and marginal
    recordRun("canary-judge-pass.json", new FakeBackend().withLive("nyctaxi", "v1", 5.0), policy, true);
    FakeBackend failing = new FakeBackend().withLive("nyctaxi", "v1", 5.0);
    failing.judgeAnswer = r -> FakeBackend.judged(r, dev.safedeploy.workflows.judge.Verdict.FAIL);
    recordRun("canary-judge-fail.json", failing, policy, true);
    recordMarginalApproved("canary-judge-marginal-approved.json", policy);
    // from getVersion canary-shadow 1: a shadow bake before the canary, judged, then the canary judged
    recordRun("canary-shadow-judged.json", new FakeBackend().withLive("nyctaxi", "v1", 5.0), policy.toBuilder()
        .judge(dev.safedeploy.workflows.judge.JudgePolicy.withShadow(Duration.ofMinutes(2))).build(), true);
    // from getVersion retire-models 1: green's model deleted by a watch-window rollback, blue's when the window ends
    recordWatchWindowRollback("watch-window-rollback-model-deleted.json",
        new FakeBackend().withLive("nyctaxi", "v1", 5.0), policy);
    recordRun("watch-window-over-blue-model-deleted.json", new FakeBackend().withLive("nyctaxi", "v1", 5.0), policy,
        true);
    // from getVersion canary-paired 1: green's rows mirrored to blue through the canary bake, judged, mirror stopped
    // before 100%; and a failing judgement, blue restored before the mirror stops
    recordRun("canary-paired-judged.json", new FakeBackend().withLive("nyctaxi", "v1", 5.0), policy, true);
    FakeBackend failingPaired = new FakeBackend().withLive("nyctaxi", "v1", 5.0);
    failingPaired.judgeAnswer = r -> FakeBackend.judged(r, dev.safedeploy.workflows.judge.Verdict.FAIL);
    recordRun("canary-paired-judge-fail.json", failingPaired, policy, true);
  }

  private void recordMarginalApproved(String file, DeploymentPolicy policy) {
    if (Files.exists(DIR.resolve(file))) {
      return;
    }
    FakeBackend backend = new FakeBackend().withLive("nyctaxi", "v1", 5.0);
    backend.judgeAnswer = r -> FakeBackend.judged(r, dev.safedeploy.workflows.judge.Verdict.MARGINAL);
    try (PipelineHarness harness = new PipelineHarness(backend)) {
      SafeDeploymentWorkflow wf = harness.start(request("v2", policy));
      harness.awaitStage(wf, Stage.AWAIT_APPROVAL);
      wf.decide(ApprovalDecision.approve("bob", "ok", "cli"));
      while (wf.status().judgeReview() == null) {
        harness.env.sleep(Duration.ofMinutes(1));
      }
      wf.decide(ApprovalDecision.approve("carol", "blip", "cli"));
      WorkflowStub.fromTyped(wf).getResult(PipelineResult.class);
      Files.writeString(DIR.resolve(file), harness.client.fetchHistory(request("v2", policy).workflowId())
          .toJson(true));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
  private void recordOverride(String file, FakeBackend backend, DeploymentPolicy policy) {
    if (Files.exists(DIR.resolve(file))) {
      return;
    }
    try (PipelineHarness harness = new PipelineHarness(backend)) {
      SafeDeploymentWorkflow wf = harness.start(request("v2", policy));
      harness.awaitStatus(wf, s -> !s.alarms().isEmpty());
      try {
        wf.decide(ApprovalDecision.approve("bob", "ok", "cli"));
        throw new AssertionError("a plain approval must be refused while an alarm is in ALARM");
      } catch (io.temporal.client.WorkflowUpdateException expected) {
        // refused by the validator: not in the history
      }
      wf.decide(ApprovalDecision.approveOverridingAlarms("bob", "known", "cli"));
      PipelineResult result = WorkflowStub.fromTyped(wf).getResult(PipelineResult.class);
      if (result.outcome() != Outcome.PROMOTED) {
        throw new AssertionError("expected PROMOTED, got " + result);
      }
      Files.writeString(DIR.resolve(file), harness.client.fetchHistory(request("v2", policy).workflowId())
          .toJson(true));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void recordWatchWindowRollback(String file, FakeBackend backend, DeploymentPolicy policy) {
    if (Files.exists(DIR.resolve(file))) {
      return;
    }
    try (PipelineHarness harness = new PipelineHarness(backend)) {
      SafeDeploymentWorkflow wf = harness.start(request("v2", policy));
      harness.awaitStage(wf, Stage.AWAIT_APPROVAL);
      wf.decide(ApprovalDecision.approve("bob", "ok", "cli"));
      while (wf.status().outcome() != Outcome.PROMOTED) {
        harness.env.sleep(Duration.ofSeconds(30));
      }
      wf.rollback(new RollbackRequest("carol", "late regression"));
      PipelineResult result = WorkflowStub.fromTyped(wf).getResult(PipelineResult.class);
      assertThat(result.outcome()).isEqualTo(Outcome.ROLLED_BACK);
      assertThat(backend.calls).contains("retireMonitoring nyctaxi-v2-drift restore nyctaxi-v1-drift");
      Files.writeString(DIR.resolve(file), harness.client.fetchHistory(request("v2", policy).workflowId())
          .toJson(true));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Records a run into {@code file} unless it exists: a history recorded by an older build is never overwritten. */
  private void recordRun(String file, FakeBackend backend, DeploymentPolicy policy, boolean approve) {
    if (Files.exists(DIR.resolve(file))) {
      return;
    }
    try (PipelineHarness harness = new PipelineHarness(backend)) {
      String version = file.startsWith("first") ? "v1" : "v2";
      SafeDeploymentWorkflow wf = harness.start(request(version, policy));
      harness.awaitStage(wf, Stage.AWAIT_APPROVAL);
      wf.decide(approve ? ApprovalDecision.approve("bob", "ok", "cli") : ApprovalDecision.reject("bob", "no", "cli"));
      WorkflowStub.fromTyped(wf).getResult(PipelineResult.class);
      String json = harness.client.fetchHistory(request(version, policy).workflowId()).toJson(true);
      Files.writeString(DIR.resolve(file), json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
