package dev.safedeploy.workflows.pipeline;

import static dev.safedeploy.workflows.testing.PipelineHarness.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.safedeploy.workflows.activities.HookActivities.HookResult;
import dev.safedeploy.workflows.testing.FakeBackend;
import dev.safedeploy.workflows.testing.PipelineHarness;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionAlreadyStarted;
import io.temporal.client.WorkflowFailedException;
import io.temporal.failure.CanceledFailure;
import io.temporal.client.WorkflowStub;
import io.temporal.client.WorkflowUpdateException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class SafeDeploymentWorkflowTest {

  private static final String PROD = "nyctaxi-prod";
  private static final String ALARM = "nyctaxi-prod-v2-5xx";
  private PipelineHarness harness;

  @AfterEach
  void tearDown() {
    if (harness != null) {
      harness.close();
    }
  }

  private FakeBackend withBlue() {
    return new FakeBackend().withLive("nyctaxi", "v1", 5.0);
  }

  private static DeploymentPolicy.Builder policy() {
    return DeploymentPolicy.builder().watchWindow(Duration.ZERO);
  }

  /** Starts the run and returns once it waits for approval. */
  private SafeDeploymentWorkflow startAtApproval(FakeBackend backend, PipelineRequest request) {
    harness = new PipelineHarness(backend);
    SafeDeploymentWorkflow wf = harness.start(request);
    harness.awaitStage(wf, Stage.AWAIT_APPROVAL);
    return wf;
  }

  private SafeDeploymentWorkflow startAndApprove(FakeBackend backend, PipelineRequest request) {
    SafeDeploymentWorkflow wf = startAtApproval(backend, request);
    wf.decide(ApprovalDecision.approve("bob", "looks good", "cli"));
    return wf;
  }

  /**
   * Starts the run, approves it, and calls {@code atCanary} (from inside the activity, as a pushing backend would)
   * the moment the canary's first shift to 10% happens.
   */
  private SafeDeploymentWorkflow startWithSignalsAtCanary(FakeBackend backend, PipelineRequest request,
      java.util.function.Consumer<SafeDeploymentWorkflow> atCanary) {
    backend.onCall = c -> {
      if (c.equals("shiftTraffic nyctaxi-prod {v1=90, v2=10}")) {
        atCanary.accept(harness.client.newWorkflowStub(SafeDeploymentWorkflow.class, request.workflowId()));
      }
    };
    return startAndApprove(backend, request);
  }

  private PipelineResult result(SafeDeploymentWorkflow wf) {
    try {
      return WorkflowStub.fromTyped(wf).getResult(20, TimeUnit.SECONDS, PipelineResult.class);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new AssertionError("no result; history: " + harness.client.fetchHistory(
          WorkflowStub.fromTyped(wf).getExecution().getWorkflowId()).toJson(true), e);
    }
  }

  private static final List<String> BEFORE_PROD = List.of(
      "buildTemplates nyctaxi v2 CANARY",
      "train nyctaxi-v2-train",
      "describeProduction nyctaxi-prod",
      "createBaseline nyctaxi-v2-baseline",
      "createModel nyctaxi-v2",
      "deployEndpoint nyctaxi-dev-v2 v2",
      "smokeTest nyctaxi-dev-v2",
      "notify APPROVAL_REQUESTED",
      "notify APPROVED",
      "describeProduction nyctaxi-prod",
      "watchAlarms v2 []",
      "addVariant nyctaxi-prod v2=0",
      "pollAlarms",
      "preTraffic nyctaxi-prod v2");

  private static List<String> concat(List<String> a, String... b) {
    List<String> out = new java.util.ArrayList<>(a);
    out.addAll(List.of(b));
    return out;
  }

  @Test
  void canaryPromotesAfterBakesAndRetiresBlue() {
    FakeBackend backend = withBlue();
    SafeDeploymentWorkflow wf = startAtApproval(backend, request("v2", DeploymentPolicy.defaults()));
    assertThat(wf.status().devEndpoint()).isEqualTo("nyctaxi-dev-v2");
    wf.decide(ApprovalDecision.approve("bob", "looks good", "cli"));
    PipelineResult result = result(wf);
    assertThat(wf.status().devEndpoint()).as("deleted at promotion: not shown").isNull();

    assertThat(result.outcome()).isEqualTo(Outcome.PROMOTED);
    assertThat(result.liveVersion()).isEqualTo("v2");
    assertThat(result.traffic()).containsExactly(Map.entry("v2", 100));
    assertThat(backend.weights(PROD)).containsExactly(Map.entry("v2", 100));
    assertThat(backend.collapsedCalls()).containsExactlyElementsOf(concat(BEFORE_PROD,
        // the paired canary: the rows green serves at 10% are answered by blue too, for the judge
        "startShadow nyctaxi-prod v1 pairs only",
        "shiftTraffic nyctaxi-prod {v1=90, v2=10}",
        "pollAlarms x10",
        "stopShadow nyctaxi-prod",
        "shiftTraffic nyctaxi-prod {v1=0, v2=100}",
        "postTraffic nyctaxi-prod",
        "pollAlarms x10",
        "unwatchAlarms v2",
        "removeVariant nyctaxi-prod v1",
        "deleteCanaryAlarms v1",
        "enableMonitoring nyctaxi-v2-drift",
        "deleteEndpoint nyctaxi-dev-v2",
        "notify PROMOTED",
        "deleteModel nyctaxi-v1"));
    assertThat(backend.deletedModels).as("the promotion stands: retired blue's model goes").containsExactly(
        "nyctaxi-v1");
    assertThat(result.approval().approver()).isEqualTo("bob");
    assertThat(result.stages()).extracting(StageRecord::stage).containsExactly(Stage.BUILD, Stage.TRAIN,
        Stage.QUALITY_GATE, Stage.BASELINE, Stage.DEPLOY_DEV, Stage.AWAIT_APPROVAL, Stage.DEPLOY_PROD, Stage.MONITOR,
        Stage.DONE);
    assertThat(result.stages()).allSatisfy(s -> assertThat(s.endedAt()).isNotNull());
  }

  @Test
  void linearShiftsInStepsWithBakes() {
    FakeBackend backend = withBlue();
    DeploymentPolicy p = policy().strategy(Strategy.LINEAR).linearStepPercent(25)
        .linearInterval(Duration.ofMinutes(1)).alarmPollInterval(Duration.ofSeconds(30)).build();
    PipelineResult result = result(startAndApprove(backend, request("v2", p)));

    assertThat(result.outcome()).isEqualTo(Outcome.PROMOTED);
    assertThat(backend.collapsedCalls()).filteredOn(c -> c.startsWith("shiftTraffic") || c.startsWith("pollAlarms x"))
        .containsExactly(
            "shiftTraffic nyctaxi-prod {v1=75, v2=25}", "pollAlarms x2",
            "shiftTraffic nyctaxi-prod {v1=50, v2=50}", "pollAlarms x2",
            "shiftTraffic nyctaxi-prod {v1=25, v2=75}", "pollAlarms x2",
            "shiftTraffic nyctaxi-prod {v1=0, v2=100}", "pollAlarms x10");
    assertThat(backend.weights(PROD)).containsExactly(Map.entry("v2", 100));
  }

  @Test
  void allAtOnceGoesStraightToFullTrafficBakesThenFinalBake() {
    FakeBackend backend = withBlue();
    PipelineResult result = result(startAndApprove(backend, request("v2",
        policy().strategy(Strategy.ALL_AT_ONCE).bake(Duration.ofMinutes(2)).build())));

    assertThat(result.outcome()).isEqualTo(Outcome.PROMOTED);
    assertThat(backend.collapsedCalls()).containsExactlyElementsOf(concat(
        BEFORE_PROD.stream().map(c -> c.replace("CANARY", "ALL_AT_ONCE")).toList(),
        "shiftTraffic nyctaxi-prod {v1=0, v2=100}",
        "pollAlarms x4",
        "postTraffic nyctaxi-prod",
        "pollAlarms x10",
        "unwatchAlarms v2",
        "removeVariant nyctaxi-prod v1",
        "deleteCanaryAlarms v1",
        "enableMonitoring nyctaxi-v2-drift",
        "deleteEndpoint nyctaxi-dev-v2",
        "notify PROMOTED",
        "deleteModel nyctaxi-v1"));
  }

  @Test
  void firstDeploymentGoesLiveAfterHooksWithoutBlue() {
    FakeBackend backend = new FakeBackend();
    PipelineResult result = result(startAndApprove(backend, request("v1", policy().build())));

    assertThat(result.outcome()).isEqualTo(Outcome.PROMOTED);
    assertThat(result.reason()).contains("first deployment");
    assertThat(result.liveRmse()).isNull();
    assertThat(backend.collapsedCalls()).containsSubsequence(
        "describeProduction nyctaxi-prod",
        "watchAlarms v1 []",
        "addVariant nyctaxi-prod v1=100",
        "pollAlarms",
        "preTraffic nyctaxi-prod v1",
        "shiftTraffic nyctaxi-prod {v1=100}",
        "postTraffic nyctaxi-prod",
        "pollAlarms x10",
        "unwatchAlarms v1",
        "enableMonitoring nyctaxi-v1-drift");
    assertThat(backend.calls).noneMatch(c -> c.startsWith("removeVariant"));
    assertThat(backend.weights(PROD)).containsExactly(Map.entry("v1", 100));
  }

  @Test
  void rejectionTearsDownDevAndNeverTouchesProduction() {
    FakeBackend backend = withBlue();
    SafeDeploymentWorkflow wf = startAtApproval(backend, request("v2", policy().build()));
    ApprovalRecord record = wf.decide(ApprovalDecision.reject("bob", "drift in tips", "cli"));
    assertThat(record.approved()).isFalse();
    PipelineResult result = result(wf);

    assertThat(result.outcome()).isEqualTo(Outcome.REJECTED);
    assertThat(result.reason()).contains("bob").contains("drift in tips");
    assertThat(backend.collapsedCalls()).endsWith("smokeTest nyctaxi-dev-v2", "notify APPROVAL_REQUESTED",
        "deleteEndpoint nyctaxi-dev-v2", "notify REJECTED");
    assertThat(backend.endpoints).doesNotContainKey("nyctaxi-dev-v2");
    assertThat(wf.status().devEndpoint()).as("deleted: not shown").isNull();
    assertThat(backend.weights(PROD)).containsExactly(Map.entry("v1", 100));
    assertThat(result.liveVersion()).isEqualTo("v1");
  }

  @Test
  void approvalTimeoutRemindsThenCountsAsRejection() {
    FakeBackend backend = withBlue();
    harness = new PipelineHarness(backend);
    SafeDeploymentWorkflow wf = harness.start(request("v2", policy()
        .approvalTimeout(Duration.ofDays(3)).reminderInterval(Duration.ofDays(1)).build()));
    PipelineResult result = result(wf);

    assertThat(result.outcome()).isEqualTo(Outcome.APPROVAL_TIMED_OUT);
    assertThat(backend.collapsedCalls()).endsWith("notify APPROVAL_REQUESTED", "notify APPROVAL_REMINDER",
        "notify APPROVAL_REMINDER", "deleteEndpoint nyctaxi-dev-v2", "notify REJECTED");
    assertThat(backend.weights(PROD)).containsExactly(Map.entry("v1", 100));
  }

  @Test
  void updateRefusedAtWrongStageForUnlistedApproverAndSelfApproval() throws Exception {
    FakeBackend backend = withBlue();
    CountDownLatch training = new CountDownLatch(1);
    backend.onCall = c -> {
      if (c.startsWith("train")) {
        await(training);
      }
    };
    harness = new PipelineHarness(backend);
    SafeDeploymentWorkflow wf = harness.start(request("v2", policy().approvers(List.of("bob", "alice")).build()));
    harness.awaitStage(wf, Stage.TRAIN);

    assertThatThrownBy(() -> wf.decide(ApprovalDecision.approve("bob", null, "cli")))
        .isInstanceOf(WorkflowUpdateException.class)
        .hasStackTraceContaining("not awaiting approval (stage TRAIN");
    training.countDown();
    harness.awaitStage(wf, Stage.AWAIT_APPROVAL);

    assertThatThrownBy(() -> wf.decide(ApprovalDecision.approve("mallory", null, "cli")))
        .isInstanceOf(WorkflowUpdateException.class)
        .hasStackTraceContaining("mallory is not an approver for this run");
    assertThatThrownBy(() -> wf.decide(ApprovalDecision.approve("alice", null, "cli")))
        .isInstanceOf(WorkflowUpdateException.class)
        .hasStackTraceContaining("four-eyes: alice requested this run");
    // A refused update leaves nothing behind: no approval, no refusal in the run's state.
    PipelineStatus status = wf.status();
    assertThat(status.approval()).isNull();
    assertThat(status.refusedDecisions()).isEmpty();

    // Signals cannot be refused to the caller; they are recorded as refused instead.
    wf.approve(ApprovalDecision.approve("mallory", "sneaky", null));
    harness.awaitStatus(wf, s -> !s.refusedDecisions().isEmpty());

    wf.decide(ApprovalDecision.approve("bob", null, "cli"));
    assertThatThrownBy(() -> wf.decide(ApprovalDecision.reject("bob", null, "cli")))
        .isInstanceOf(WorkflowUpdateException.class);
    PipelineResult result = result(wf);
    assertThat(result.outcome()).isEqualTo(Outcome.PROMOTED);
    assertThat(result.approval().approver()).isEqualTo("bob");
    assertThat(wf.status().refusedDecisions()).singleElement()
        .satisfies(r -> assertThat(r.refusal()).contains("mallory is not an approver"));
  }

  @Test
  void everyShiftNamesEveryVariantOfTheEndpoint() {
    FakeBackend backend = withBlue().withVariant(PROD, "v0", 0);
    PipelineResult result = result(startAndApprove(backend, request("v2", DeploymentPolicy.defaults())));

    assertThat(result.outcome()).isEqualTo(Outcome.PROMOTED);
    assertThat(backend.calls).filteredOn(c -> c.startsWith("shiftTraffic")).containsExactly(
        "shiftTraffic nyctaxi-prod {v1=90, v2=10, v0=0}",
        "shiftTraffic nyctaxi-prod {v1=0, v2=100, v0=0}");
    assertThat(backend.weights(PROD)).containsOnly(Map.entry("v2", 100), Map.entry("v0", 0));
  }

  @Test
  void rollbackNamesEveryVariantOfTheEndpoint() {
    FakeBackend backend = withBlue().withVariant(PROD, "v0", 0);
    PipelineRequest request = request("v2", policy().build());
    backend.onCall = c -> {
      if (c.equals("shiftTraffic nyctaxi-prod {v1=90, v2=10, v0=0}")) {
        harness.client.newWorkflowStub(SafeDeploymentWorkflow.class, request.workflowId())
            .alarm(new AlarmSignal(ALARM, "ALARM", "5xx > 5", backend.clock));
      }
    };
    PipelineResult result = result(startAndApprove(backend, request));

    assertThat(result.outcome()).isEqualTo(Outcome.ROLLED_BACK);
    assertThat(backend.calls).filteredOn(c -> c.startsWith("shiftTraffic")).containsExactly(
        "shiftTraffic nyctaxi-prod {v1=90, v2=10, v0=0}",
        "shiftTraffic nyctaxi-prod {v1=100, v2=0, v0=0}");
    assertThat(backend.weights(PROD)).containsOnly(Map.entry("v1", 100), Map.entry("v0", 0));
  }

  @Test
  void pushedAlarmInFirstCanaryStepRollsBackToBlueAtOnce() {
    FakeBackend backend = withBlue();
    Instant alarmAt = backend.clock;
    PipelineRequest request = request("v2", policy().build());
    backend.onCall = c -> {
      if (c.equals("shiftTraffic nyctaxi-prod {v1=90, v2=10}")) {
        harness.client.newWorkflowStub(SafeDeploymentWorkflow.class, request.workflowId())
            .alarm(new AlarmSignal(ALARM, "ALARM", "5xx > 5", alarmAt));
      } else if (c.equals("shiftTraffic nyctaxi-prod {v1=100, v2=0}")) {
        backend.clock = alarmAt.plusMillis(120); // blue is back 120 ms (backend clock) after the alarm
      }
    };
    SafeDeploymentWorkflow wf = startAndApprove(backend, request);
    PipelineResult result = result(wf);

    assertThat(result.outcome()).isEqualTo(Outcome.ROLLED_BACK);
    assertThat(result.reason()).contains(ALARM).contains("5xx > 5");
    assertThat(result.alarmToBlueMillis()).isEqualTo(120L);
    assertThat(result.liveVersion()).isEqualTo("v1");
    assertThat(backend.collapsedCalls()).containsExactlyElementsOf(concat(BEFORE_PROD,
        "startShadow nyctaxi-prod v1 pairs only",
        "shiftTraffic nyctaxi-prod {v1=90, v2=10}",
        // blue back first, then the paired canary's mirror stops: the alarm-to-blue path has no extra step
        "shiftTraffic nyctaxi-prod {v1=100, v2=0}",
        "removeVariant nyctaxi-prod v2",
        "stopShadow nyctaxi-prod",
        "unwatchAlarms v2",
        "deleteCanaryAlarms v2",
        "deleteEndpoint nyctaxi-dev-v2",
        "notify ROLLED_BACK"));
    assertThat(backend.weights(PROD)).containsExactly(Map.entry("v1", 100));
    assertThat(wf.status().alarms()).extracting(AlarmRecord::action).containsExactly("rollback");
  }

  @Test
  void polledAlarmInLaterLinearStepRollsBack() {
    FakeBackend backend = withBlue();
    backend.onCall = c -> {
      if (c.equals("shiftTraffic nyctaxi-prod {v1=50, v2=50}")) {
        backend.alarmsInAlarm.add(ALARM);
      }
    };
    PipelineResult result = result(startAndApprove(backend, request("v2", policy().strategy(Strategy.LINEAR)
        .linearStepPercent(25).build())));

    assertThat(result.outcome()).isEqualTo(Outcome.ROLLED_BACK);
    assertThat(backend.collapsedCalls()).filteredOn(c -> c.startsWith("shiftTraffic") || c.startsWith("poll"))
        .containsExactly(
            "pollAlarms",
            "shiftTraffic nyctaxi-prod {v1=75, v2=25}", "pollAlarms x10",
            "shiftTraffic nyctaxi-prod {v1=50, v2=50}", "pollAlarms",
            "shiftTraffic nyctaxi-prod {v1=100, v2=0}");
    assertThat(backend.weights(PROD)).containsExactly(Map.entry("v1", 100));
  }

  @Test
  void alarmInFinalBakeRollsBackFromFullTraffic() {
    FakeBackend backend = withBlue();
    backend.onCall = c -> {
      if (c.startsWith("postTraffic")) {
        backend.alarmsInAlarm.add(ALARM);
      }
    };
    PipelineResult result = result(startAndApprove(backend, request("v2", policy().build())));

    assertThat(result.outcome()).isEqualTo(Outcome.ROLLED_BACK);
    assertThat(backend.collapsedCalls()).containsSubsequence(
        "shiftTraffic nyctaxi-prod {v1=0, v2=100}",
        "postTraffic nyctaxi-prod",
        "pollAlarms",
        "shiftTraffic nyctaxi-prod {v1=100, v2=0}",
        "removeVariant nyctaxi-prod v2");
    assertThat(backend.calls).doesNotContain("removeVariant nyctaxi-prod v1");
    assertThat(backend.weights(PROD)).containsExactly(Map.entry("v1", 100));
  }

  @Test
  void alarmDuringApprovalOverriddenButInAlarmAgainByPollAtCanaryStartRollsBack() {
    FakeBackend backend = withBlue();
    SafeDeploymentWorkflow wf = startAtApproval(backend, request("v2", policy().build()));
    wf.alarm(new AlarmSignal(ALARM, "ALARM", "early", backend.clock));
    harness.awaitStatus(wf, s -> !s.alarms().isEmpty());
    assertThatThrownBy(() -> wf.decide(ApprovalDecision.approve("bob", null, "cli")))
        .isInstanceOf(WorkflowUpdateException.class);
    wf.decide(ApprovalDecision.approveOverridingAlarms("bob", "seen it", "cli"));
    // the poll at the canary's start finds it in ALARM in a later transition than the one overridden
    backend.clock = backend.clock.plusSeconds(60);
    backend.alarmsInAlarm.add(ALARM);
    PipelineResult result = result(wf);

    assertThat(result.outcome()).isEqualTo(Outcome.ROLLED_BACK);
    assertThat(backend.collapsedCalls()).containsSubsequence("addVariant nyctaxi-prod v2=0", "pollAlarms",
        "shiftTraffic nyctaxi-prod {v1=100, v2=0}", "removeVariant nyctaxi-prod v2");
    assertThat(backend.calls).noneMatch(c -> c.startsWith("preTraffic") || c.contains("v2=10}"));
    assertThat(wf.status().alarms()).extracting(AlarmRecord::action)
        .containsExactly("blocks approval", "rollback");
  }

  @Test
  void alarmDuringApprovalThatClearedIsNotHonoured() {
    FakeBackend backend = withBlue();
    SafeDeploymentWorkflow wf = startAtApproval(backend, request("v2", policy().build()));
    wf.alarm(new AlarmSignal(ALARM, "ALARM", "early", backend.clock));
    wf.alarm(new AlarmSignal(ALARM, "OK", "recovered", backend.clock.plusSeconds(1)));
    harness.awaitStatus(wf, s -> s.alarms().size() == 2);
    wf.decide(ApprovalDecision.approve("bob", null, "cli"));

    assertThat(result(wf).outcome()).isEqualTo(Outcome.PROMOTED);
  }

  @Test
  void failedPreTrafficHookRollsBackBeforeAnyTraffic() {
    FakeBackend backend = withBlue();
    backend.preTrafficResult = new HookResult(false, "3 of 20 rows unanswered", 20, 30);
    PipelineResult result = result(startAndApprove(backend, request("v2", policy().build())));

    assertThat(result.outcome()).isEqualTo(Outcome.ROLLED_BACK);
    assertThat(result.reason()).contains("pre-traffic hook failed: 3 of 20 rows unanswered");
    assertThat(backend.calls).noneMatch(c -> c.contains("v2=10}"));
    assertThat(backend.weights(PROD)).containsExactly(Map.entry("v1", 100));
  }

  @Test
  void failedPostTrafficHookRollsBackFromFullTraffic() {
    FakeBackend backend = withBlue();
    backend.postTrafficResult = new HookResult(false, "no data capture", 20, 30);
    PipelineResult result = result(startAndApprove(backend, request("v2", policy().build())));

    assertThat(result.outcome()).isEqualTo(Outcome.ROLLED_BACK);
    assertThat(result.reason()).contains("post-traffic hook failed: no data capture");
    assertThat(backend.collapsedCalls()).containsSubsequence("shiftTraffic nyctaxi-prod {v1=0, v2=100}",
        "postTraffic nyctaxi-prod", "shiftTraffic nyctaxi-prod {v1=100, v2=0}", "removeVariant nyctaxi-prod v2");
    assertThat(backend.weights(PROD)).containsExactly(Map.entry("v1", 100));
  }

  @Test
  void qualityGateRefusesRmseOverThreshold() {
    FakeBackend backend = withBlue();
    backend.trainingRmse = 12.5;
    harness = new PipelineHarness(backend);
    PipelineResult result = result(harness.start(request("v2", policy().build())));

    assertThat(result.outcome()).isEqualTo(Outcome.FAILED_QUALITY_GATE);
    assertThat(result.reason()).contains("12.5000").contains("threshold 10.00");
    assertThat(backend.collapsedCalls()).containsExactly("buildTemplates nyctaxi v2 CANARY",
        "train nyctaxi-v2-train", "describeProduction nyctaxi-prod", "notify FAILED");
  }

  @Test
  void qualityGateRefusesAModelWorseThanLiveBeyondTolerance() {
    FakeBackend backend = new FakeBackend().withLive("nyctaxi", "v1", 4.0);
    backend.trainingRmse = 4.5;
    harness = new PipelineHarness(backend);
    PipelineResult result = result(harness.start(request("v2", policy().rmseTolerance(0.05).build())));

    assertThat(result.outcome()).isEqualTo(Outcome.FAILED_QUALITY_GATE);
    assertThat(result.reason()).contains("worse than live v1");
    assertThat(result.liveRmse()).isEqualTo(4.0);
  }

  @Test
  void operatorRollbackDuringCanaryRestoresBlue() {
    FakeBackend backend = withBlue();
    SafeDeploymentWorkflow wf = startWithSignalsAtCanary(backend, request("v2", policy().build()),
        stub -> stub.rollback(new RollbackRequest("carol", "customer complaints")));
    PipelineResult result = result(wf);

    assertThat(result.outcome()).isEqualTo(Outcome.ROLLED_BACK);
    assertThat(result.reason()).isEqualTo("operator rollback by carol: customer complaints");
    assertThat(result.alarmToBlueMillis()).isNull();
    assertThat(backend.weights(PROD)).containsExactly(Map.entry("v1", 100));
  }

  @Test
  void operatorRollbackWhileAwaitingApprovalRemovesDev() {
    FakeBackend backend = withBlue();
    SafeDeploymentWorkflow wf = startAtApproval(backend, request("v2", policy().build()));
    wf.rollback(new RollbackRequest("carol", "wrong data"));
    PipelineResult result = result(wf);

    assertThat(result.outcome()).isEqualTo(Outcome.ROLLED_BACK);
    assertThat(backend.calls).contains("deleteEndpoint nyctaxi-dev-v2").noneMatch(c -> c.startsWith("shiftTraffic"));
  }

  @Test
  void operatorRollbackDuringTrainingDoesNotWaitForTheJob() {
    FakeBackend backend = withBlue();
    CountDownLatch never = new CountDownLatch(1);
    backend.onCall = c -> {
      if (c.startsWith("train")) {
        await(never);
      }
    };
    harness = new PipelineHarness(backend);
    SafeDeploymentWorkflow wf = harness.start(request("v2", policy().build()));
    harness.awaitStage(wf, Stage.TRAIN);
    wf.rollback(new RollbackRequest("carol", "wrong data"));
    PipelineResult result = result(wf);
    never.countDown();

    assertThat(result.outcome()).isEqualTo(Outcome.ROLLED_BACK);
    assertThat(result.reason()).contains("carol");
    assertThat(backend.calls).noneMatch(c -> c.startsWith("createBaseline") || c.startsWith("deployEndpoint"));
  }

  @Test
  void operatorRollbackAfterPromotionRestoresPreviousVersion() {
    FakeBackend backend = withBlue();
    SafeDeploymentWorkflow wf = startAtApproval(backend, request("v2", policy().watchWindow(Duration.ofHours(1)).build()));
    wf.decide(ApprovalDecision.approve("bob", null, "cli"));
    // Let time run through the bakes until the run is promoted and sits in its watch window.
    while (wf.status().outcome() != Outcome.PROMOTED) {
      harness.env.sleep(Duration.ofMinutes(1));
    }
    assertThat(backend.weights(PROD)).containsExactly(Map.entry("v2", 100));
    wf.rollback(new RollbackRequest("carol", "late regression"));
    PipelineResult result = result(wf);

    assertThat(result.outcome()).isEqualTo(Outcome.ROLLED_BACK);
    assertThat(backend.collapsedCalls()).endsWith("notify PROMOTED", "describeProduction nyctaxi-prod",
        "addVariant nyctaxi-prod v1=0", "shiftTraffic nyctaxi-prod {v1=100, v2=0}",
        "removeVariant nyctaxi-prod v2",
        // green is off production and its dev endpoint went at the promotion: nothing serves its model any more
        "deleteModel nyctaxi-v2",
        // v2's drift schedule goes, v1's (removed when v2 was promoted) comes back: one schedule per live version
        "retireMonitoring nyctaxi-v2-drift restore nyctaxi-v1-drift", "notify ROLLED_BACK");
    assertThat(backend.weights(PROD)).containsExactly(Map.entry("v1", 100));
    assertThat(result.liveVersion()).isEqualTo("v1");
    assertThat(backend.deletedModels).as("blue's model, kept through the watch window, serves again")
        .containsExactly("nyctaxi-v2");
    assertThat(wf.status().events()).anyMatch(e -> e.endsWith("model nyctaxi-v2 deleted: green v2 is off production "
        + "and its dev endpoint is gone"));
  }

  @Test
  void blueModelIsKeptThroughTheWatchWindowAndDeletedWhenThePromotionStands() {
    FakeBackend backend = withBlue();
    SafeDeploymentWorkflow wf = startAtApproval(backend, request("v2", policy().watchWindow(Duration.ofHours(1)).build()));
    wf.decide(ApprovalDecision.approve("bob", null, "cli"));
    while (wf.status().outcome() != Outcome.PROMOTED) {
      harness.env.sleep(Duration.ofMinutes(1));
    }
    harness.env.sleep(Duration.ofMinutes(30));
    assertThat(backend.calls).as("in the watch window a rollback may still restore blue").noneMatch(
        c -> c.startsWith("deleteModel"));
    PipelineResult result = result(wf);

    assertThat(result.outcome()).isEqualTo(Outcome.PROMOTED);
    assertThat(backend.collapsedCalls()).endsWith("notify PROMOTED", "deleteModel nyctaxi-v1");
    assertThat(backend.deletedModels).containsExactly("nyctaxi-v1");
    assertThat(wf.status().events()).anyMatch(e -> e.endsWith(
        "model nyctaxi-v1 deleted: the watch window is over, no rollback restores blue v1"));
  }

  @Test
  void aModelAnEndpointStillServesIsKept() {
    FakeBackend backend = withBlue();
    // v1 is being tried again meanwhile: its dev endpoint serves the same registered model
    backend.endpoints.put("nyctaxi-dev-v1", new java.util.LinkedHashMap<>(Map.of("v1", 100)));
    SafeDeploymentWorkflow wf = startAndApprove(backend, request("v2", policy().build()));
    PipelineResult result = result(wf);

    assertThat(result.outcome()).isEqualTo(Outcome.PROMOTED);
    assertThat(backend.calls).contains("deleteModel nyctaxi-v1");
    assertThat(backend.deletedModels).isEmpty();
    assertThat(result.reason()).isEqualTo("promoted to production, replacing v1");
    assertThat(wf.status().events()).anyMatch(e -> e.endsWith("model nyctaxi-v1 kept: nyctaxi-dev-v1 still serves it"));
    assertThat(backend.modelRmse).containsKey("nyctaxi-v1");
  }

  @Test
  void transientActivityFailuresAreRetried() {
    FakeBackend backend = withBlue().failing("train", 2).failing("shiftTraffic", 1).failing("deployEndpoint", 1);
    PipelineResult result = result(startAndApprove(backend, request("v2", policy().build())));

    assertThat(result.outcome()).isEqualTo(Outcome.PROMOTED);
    assertThat(backend.calls).filteredOn(c -> c.equals("train nyctaxi-v2-train")).hasSize(3);
    assertThat(backend.calls).filteredOn(c -> c.equals("shiftTraffic nyctaxi-prod {v1=90, v2=10}")).hasSize(2);
    assertThat(backend.weights(PROD)).containsExactly(Map.entry("v2", 100));
  }

  @Test
  void persistentFailureEndsFailedAndCleansUp() {
    FakeBackend backend = withBlue().failing("smokeTest", 100);
    harness = new PipelineHarness(backend);
    PipelineResult result = result(harness.start(request("v2", policy().build())));

    assertThat(result.outcome()).isEqualTo(Outcome.FAILED);
    assertThat(result.reason()).contains("DEPLOY_DEV failed").contains("injected transient failure of smokeTest");
    assertThat(backend.calls).contains("deleteEndpoint nyctaxi-dev-v2");
  }

  @Test
  void cancellationDuringCanaryRollsBack() {
    FakeBackend backend = withBlue();
    SafeDeploymentWorkflow wf = startAtApproval(backend, request("v2", policy().build()));
    wf.decide(ApprovalDecision.approve("bob", null, "cli"));
    // Two minutes into the five-minute canary bake (test time), cancel the run.
    harness.env.registerDelayedCallback(Duration.ofMinutes(2),
        () -> harness.client.newUntypedWorkflowStub("deploy-nyctaxi-v2").cancel());
    // The execution closes as cancelled (what the Web UI shows); the compensation ran before it closed.
    assertThatThrownBy(() -> result(wf)).isInstanceOf(WorkflowFailedException.class)
        .hasCauseInstanceOf(CanceledFailure.class);
    PipelineStatus status = wf.status();
    assertThat(status.outcome()).isEqualTo(Outcome.ROLLED_BACK);
    assertThat(status.reason()).contains("cancelled during DEPLOY_PROD");
    assertThat(backend.collapsedCalls()).containsSubsequence("shiftTraffic nyctaxi-prod {v1=90, v2=10}",
        "shiftTraffic nyctaxi-prod {v1=100, v2=0}", "removeVariant nyctaxi-prod v2", "unwatchAlarms v2",
        "deleteEndpoint nyctaxi-dev-v2");
    assertThat(backend.calls).doesNotContain("shiftTraffic nyctaxi-prod {v1=0, v2=100}");
    assertThat(backend.weights(PROD)).containsExactly(Map.entry("v1", 100));
  }

  @Test
  void malformedAlarmSignalsAreRecordedAndIgnored() {
    FakeBackend backend = withBlue();
    SafeDeploymentWorkflow wf = startWithSignalsAtCanary(backend, request("v2", policy().build()), stub -> {
      stub.alarm(new AlarmSignal(null, "ALARM", null, null));
      stub.alarm(new AlarmSignal(ALARM, "ON_FIRE", null, null));
      stub.alarm(new AlarmSignal("someone-elses-alarm", "ALARM", null, null));
    });

    assertThat(result(wf).outcome()).isEqualTo(Outcome.PROMOTED);
    assertThat(wf.status().alarms()).extracting(AlarmRecord::action).containsExactly("ignored: malformed",
        "ignored: malformed", "ignored: not a watched alarm");
  }

  @Test
  void invalidRequestFailsWithEveryProblem() {
    FakeBackend backend = new FakeBackend();
    harness = new PipelineHarness(backend);
    PipelineRequest bad = new PipelineRequest("nyctaxi", "v2", new DataLocations("http://x", null, "file:/t",
        "file:/b"), Map.of("eta", "7"), "", policy().canaryPercent(0).build());
    PipelineResult result = result(harness.start(bad));

    assertThat(result.outcome()).isEqualTo(Outcome.FAILED);
    assertThat(result.reason()).contains("data.train must be an s3:// or file:/ URI")
        .contains("data.validation is required").contains("requestedBy is required")
        .contains("hyperparameter eta must be in").contains("policy.canaryPercent must be in [1, 99]");
    // Nothing was built, trained or deployed: the only call tells people the run failed.
    assertThat(backend.calls).containsExactly("notify FAILED");
  }

  @Test
  void duplicateStartIsRefused() {
    harness = new PipelineHarness(withBlue());
    harness.start(request("v2", policy().build()));
    assertThatThrownBy(() -> harness.start(request("v2", policy().build())))
        .isInstanceOf(WorkflowExecutionAlreadyStarted.class);
  }

  @Test
  void searchAttributesFollowStageAndOutcome() {
    FakeBackend backend = withBlue();
    SafeDeploymentWorkflow wf = startAndApprove(backend, request("v2", policy().build()));
    result(wf);
    var sa = harness.client.fetchHistory("deploy-nyctaxi-v2").getEvents().stream()
        .filter(e -> e.hasUpsertWorkflowSearchAttributesEventAttributes()).count();
    assertThat(sa).isGreaterThanOrEqualTo(9);
    var description = harness.client.getWorkflowServiceStubs().blockingStub().describeWorkflowExecution(
        io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest.newBuilder()
            .setNamespace(harness.client.getOptions().getNamespace())
            .setExecution(io.temporal.api.common.v1.WorkflowExecution.newBuilder().setWorkflowId("deploy-nyctaxi-v2"))
            .build());
    var fields = description.getWorkflowExecutionInfo().getSearchAttributes().getIndexedFieldsMap();
    assertThat(fields).containsKeys(SearchAttributes.ALL.stream().map(k -> k.getName()).toArray(String[]::new));
    assertThat(fields.get(SearchAttributes.OUTCOME.getName()).getData().toStringUtf8()).contains("PROMOTED");
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await(60, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
