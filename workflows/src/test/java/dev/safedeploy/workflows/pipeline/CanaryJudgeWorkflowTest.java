package dev.safedeploy.workflows.pipeline;

import static dev.safedeploy.workflows.testing.PipelineHarness.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.safedeploy.workflows.judge.JudgePolicy;
import dev.safedeploy.workflows.judge.JudgeRequest;
import dev.safedeploy.workflows.judge.Judgement;
import dev.safedeploy.workflows.judge.Pairing;
import dev.safedeploy.workflows.judge.Verdict;
import dev.safedeploy.workflows.testing.FakeBackend;
import dev.safedeploy.workflows.testing.PipelineHarness;
import io.temporal.client.WorkflowStub;
import io.temporal.client.WorkflowUpdateException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The canary judge in the pipeline, against a fake judge, on the time-skipping test server. */
@Timeout(60)
class CanaryJudgeWorkflowTest {
  private static final String PROD = "nyctaxi-prod";
  private PipelineHarness harness;

  @AfterEach
  void tearDown() {
    if (harness != null) {
      harness.close();
    }
  }

  private SafeDeploymentWorkflow startAndApprove(FakeBackend backend, PipelineRequest request) {
    harness = new PipelineHarness(backend);
    SafeDeploymentWorkflow wf = harness.start(request);
    harness.awaitStage(wf, Stage.AWAIT_APPROVAL);
    wf.decide(ApprovalDecision.approve("bob", "looks good", "cli"));
    return wf;
  }

  /** Skips time (the bake's timers) until the run waits for a decision on a marginal judgement. */
  private PipelineStatus awaitReview(SafeDeploymentWorkflow wf) {
    for (int i = 0; i < 20; i++) {
      PipelineStatus s = wf.status();
      if (s.judgeReview() != null) {
        return s;
      }
      harness.env.sleep(Duration.ofMinutes(1));
    }
    throw new AssertionError("never waited for a decision; last: " + wf.status());
  }

  private static PipelineResult result(SafeDeploymentWorkflow wf) {
    try {
      return WorkflowStub.fromTyped(wf).getResult(20, TimeUnit.SECONDS, PipelineResult.class);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new AssertionError("no result", e);
    }
  }

  private static DeploymentPolicy.Builder policy() {
    return DeploymentPolicy.builder().watchWindow(Duration.ZERO);
  }

  private static FakeBackend withBlue() {
    return new FakeBackend().withLive("nyctaxi", "v1", 5.0);
  }

  @Test
  void aPassingJudgementLetsTheCanaryGoOnAndIsInStatus() {
    FakeBackend backend = withBlue();
    SafeDeploymentWorkflow wf = startAndApprove(backend, request("v2", policy().build()));
    PipelineResult result = result(wf);
    assertThat(result.outcome()).isEqualTo(Outcome.PROMOTED);

    assertThat(backend.judgeRequests).singleElement().satisfies(r -> {
      assertThat(r.endpoint()).isEqualTo(PROD);
      assertThat(r.blueVariant()).isEqualTo("v1");
      assertThat(r.greenVariant()).isEqualTo("v2");
      assertThat(r.step()).isEqualTo("canary 10% bake");
      // the bake's window (plus the few milliseconds of workflow tasks around its timer)
      assertThat(Duration.between(r.from(), r.to())).isBetween(Duration.ofMinutes(5), Duration.ofMinutes(5).plusSeconds(1));
      assertThat(r.policy()).isEqualTo(JudgePolicy.defaults());
    });
    PipelineStatus status = wf.status();
    assertThat(status.judgements()).singleElement().satisfies(j -> {
      assertThat(j.verdict()).isEqualTo(Verdict.PASS);
      assertThat(j.metrics()).singleElement().satisfies(m -> assertThat(m.pValue()).isEqualTo(0.41));
    });
    assertThat(status.judgeReview()).isNull();
    assertThat(status.events()).anyMatch(e -> e.endsWith("canary 10% bake: judge PASS: score 100"));
  }

  @Test
  void aFailingJudgementRollsBackWithTheEvidenceAsTheReason() {
    FakeBackend backend = withBlue();
    backend.judgeAnswer = r -> FakeBackend.judged(r, Verdict.FAIL);
    SafeDeploymentWorkflow wf = startAndApprove(backend, request("v2", policy().build()));
    PipelineResult result = result(wf);

    assertThat(result.outcome()).isEqualTo(Outcome.ROLLED_BACK);
    assertThat(result.reason()).startsWith("canary judge failed green at canary 10% bake: judge FAIL")
        .contains("PREDICTION green median answer 26.5 vs blue 20.1, Mann-Whitney U two-sided p=0.0004");
    assertThat(backend.weights(PROD)).containsExactly(Map.entry("v1", 100));
    assertThat(backend.calls).doesNotContain("shiftTraffic nyctaxi-prod {v1=0, v2=100}");
    assertThat(wf.status().judgements()).extracting(Judgement::verdict).containsExactly(Verdict.FAIL);
  }

  @Test
  void aMarginalJudgementWaitsForAValidatedDecisionAndApprovalGoesOn() {
    FakeBackend backend = withBlue();
    backend.judgeAnswer = r -> FakeBackend.judged(r, Verdict.MARGINAL);
    SafeDeploymentWorkflow wf = startAndApprove(backend, request("v2", policy().build()));
    // before a marginal judgement there is nothing to decide
    assertThatThrownBy(() -> wf.decide(ApprovalDecision.approve("carol", null, "cli")))
        .isInstanceOf(WorkflowUpdateException.class).rootCause().hasMessageContaining("is not awaiting approval");
    PipelineStatus waiting = awaitReview(wf);
    assertThat(waiting.stage()).isEqualTo(Stage.DEPLOY_PROD);
    assertThat(waiting.step()).startsWith("marginal judgement at canary 10% bake: approve to go on");
    assertThat(waiting.traffic()).containsEntry("v2", 10);
    assertThat(backend.notifications).anyMatch(n -> n.text().contains("canary is marginal"));

    // the same validator as approval: four-eyes holds, the requester cannot wave her own canary through
    assertThatThrownBy(() -> wf.decide(ApprovalDecision.approve("alice", null, "cli")))
        .isInstanceOf(WorkflowUpdateException.class).rootCause()
        .hasMessageContaining("four-eyes: alice requested this run");
    ApprovalRecord r = wf.decide(ApprovalDecision.approve("carol", "latency blip is the cold cache", "cli"));
    assertThat(r.approved()).isTrue();

    PipelineResult result = result(wf);
    assertThat(result.outcome()).isEqualTo(Outcome.PROMOTED);
    PipelineStatus done = wf.status();
    assertThat(done.judgeDecisions()).singleElement().satisfies(d -> assertThat(d.approver()).isEqualTo("carol"));
    assertThat(done.approval().approver()).isEqualTo("bob"); // the deployment's approval stays what it was
    assertThat(done.judgeReview()).isNull();
  }

  @Test
  void aRejectedMarginalJudgementRollsBack() {
    FakeBackend backend = withBlue();
    backend.judgeAnswer = r -> FakeBackend.judged(r, Verdict.MARGINAL);
    SafeDeploymentWorkflow wf = startAndApprove(backend, request("v2", policy().build()));
    awaitReview(wf);
    wf.reject(ApprovalDecision.reject("carol", "answers drift", "slack"));
    PipelineResult result = result(wf);
    assertThat(result.outcome()).isEqualTo(Outcome.ROLLED_BACK);
    assertThat(result.reason()).startsWith("marginal canary judgement rejected by carol (answers drift): judge "
        + "MARGINAL");
    assertThat(backend.weights(PROD)).containsExactly(Map.entry("v1", 100));
  }

  @Test
  void anUndecidedMarginalJudgementTimesOutAsARejection() {
    FakeBackend backend = withBlue();
    backend.judgeAnswer = r -> FakeBackend.judged(r, Verdict.MARGINAL);
    PipelineResult result = result(startAndApprove(backend,
        request("v2", policy().approvalTimeout(Duration.ofHours(2)).build())));
    assertThat(result.outcome()).isEqualTo(Outcome.ROLLED_BACK);
    assertThat(result.reason()).startsWith("marginal canary judgement not decided within 2h");
  }

  @Test
  void everyLinearStepWithBlueIsJudgedAndTheUnreachableJudgeIsInconclusive() {
    FakeBackend backend = withBlue();
    backend.judgeAnswer = r -> {
      if (r.step().equals("linear 50% bake")) {
        throw new IllegalStateException("judge backend down");
      }
      return FakeBackend.judged(r, Verdict.PASS);
    };
    SafeDeploymentWorkflow wf = startAndApprove(backend, request("v2", policy().strategy(Strategy.LINEAR)
        .linearStepPercent(25).linearInterval(Duration.ofMinutes(1)).build()));
    assertThat(result(wf).outcome()).isEqualTo(Outcome.PROMOTED);
    assertThat(wf.status().judgements()).extracting(Judgement::step, Judgement::verdict).containsExactly(
        org.assertj.core.groups.Tuple.tuple("linear 25% bake", Verdict.PASS),
        org.assertj.core.groups.Tuple.tuple("linear 50% bake", Verdict.INCONCLUSIVE),
        org.assertj.core.groups.Tuple.tuple("linear 75% bake", Verdict.PASS));
    assertThat(wf.status().judgements().get(1).reason()).isEqualTo("judge failed: judge backend down");
  }

  @Test
  void noJudgeWithoutBlueOrWhenThePolicyTurnsItOff() {
    FakeBackend first = new FakeBackend();
    assertThat(result(startAndApprove(first, request("v1", policy().build()))).outcome())
        .isEqualTo(Outcome.PROMOTED);
    assertThat(first.judgeRequests).isEmpty();
    harness.close();

    FakeBackend off = withBlue();
    SafeDeploymentWorkflow wf = startAndApprove(off, request("v2", policy().judge(JudgePolicy.disabled()).build()));
    assertThat(result(wf).outcome()).isEqualTo(Outcome.PROMOTED);
    assertThat(off.judgeRequests).isEmpty();
    assertThat(wf.status().judgements()).isEmpty();
  }

  @Test
  void aShadowStepMirrorsBeforeAnyRealTrafficAndIsJudgedFirst() {
    FakeBackend backend = withBlue();
    java.util.List<Map<String, Integer>> weightsWhenJudged = new java.util.concurrent.CopyOnWriteArrayList<>();
    java.util.List<String> shadowWhenJudged = new java.util.concurrent.CopyOnWriteArrayList<>();
    backend.judgeAnswer = r -> {
      weightsWhenJudged.add(Map.copyOf(backend.weights(PROD)));
      shadowWhenJudged.add(String.valueOf(backend.shadows.get(PROD)));
      return FakeBackend.judged(r, Verdict.PASS);
    };
    SafeDeploymentWorkflow wf = startAndApprove(backend, request("v2", policy()
        .judge(JudgePolicy.withShadow(Duration.ofMinutes(3))).build()));
    assertThat(result(wf).outcome()).isEqualTo(Outcome.PROMOTED);
    assertThat(backend.judgeRequests).extracting(JudgeRequest::step)
        .containsExactly("shadow bake", "canary 10% bake");
    JudgeRequest shadow = backend.judgeRequests.get(0);
    assertThat(Duration.between(shadow.from(), shadow.to())).isBetween(Duration.ofMinutes(3),
        Duration.ofMinutes(3).plusSeconds(1));
    // judged while green got copies only: no real traffic yet, the shadow on
    assertThat(weightsWhenJudged.get(0)).containsEntry("v1", 100).containsEntry("v2", 0);
    // the shadow bake mirrors blue's rows to green; the canary bake green's rows to blue (the paired canary)
    assertThat(shadowWhenJudged).containsExactly("v2", "v1");
    assertThat(backend.judgeRequests).extracting(JudgeRequest::pairing).containsExactly(Pairing.SHADOW,
        Pairing.CANARY);
    List<String> calls = backend.calls;
    assertThat(calls.indexOf("startShadow nyctaxi-prod v2")).isGreaterThan(calls.indexOf("preTraffic nyctaxi-prod v2"));
    assertThat(calls.indexOf("stopShadow nyctaxi-prod"))
        .isLessThan(calls.indexOf("shiftTraffic nyctaxi-prod {v1=90, v2=10}"));
    assertThat(wf.status().judgements()).extracting(Judgement::step).containsExactly("shadow bake",
        "canary 10% bake");
  }

  @Test
  void aFailingShadowJudgementRollsBackBeforeGreenServesAnyone() {
    FakeBackend backend = withBlue();
    backend.judgeAnswer = r -> FakeBackend.judged(r, Verdict.FAIL);
    PipelineResult result = result(startAndApprove(backend, request("v2", policy()
        .judge(JudgePolicy.withShadow(Duration.ofMinutes(3))).build())));
    assertThat(result.outcome()).isEqualTo(Outcome.ROLLED_BACK);
    assertThat(result.reason()).startsWith("canary judge failed green at shadow bake: judge FAIL");
    assertThat(backend.calls).noneMatch(c -> c.startsWith("shiftTraffic nyctaxi-prod {v1=90"));
    assertThat(backend.calls).contains("stopShadow nyctaxi-prod");
    assertThat(backend.shadows).isEmpty();
    assertThat(backend.weights(PROD)).containsExactly(Map.entry("v1", 100));
  }

  @Test
  void everyCanaryBakeIsPairedGreensRowsMirroredToBlueUntilGreenTakesAllTraffic() {
    FakeBackend backend = withBlue();
    java.util.List<String> mirrorWhenJudged = new java.util.concurrent.CopyOnWriteArrayList<>();
    backend.judgeAnswer = r -> {
      mirrorWhenJudged.add(String.valueOf(backend.shadows.get(PROD)));
      return FakeBackend.judged(r, Verdict.PASS);
    };
    SafeDeploymentWorkflow wf = startAndApprove(backend, request("v2", policy().strategy(Strategy.LINEAR)
        .linearStepPercent(25).linearInterval(Duration.ofMinutes(1)).build()));
    assertThat(result(wf).outcome()).isEqualTo(Outcome.PROMOTED);
    assertThat(backend.judgeRequests).extracting(JudgeRequest::step, JudgeRequest::pairing).containsExactly(
        org.assertj.core.groups.Tuple.tuple("linear 25% bake", Pairing.CANARY),
        org.assertj.core.groups.Tuple.tuple("linear 50% bake", Pairing.CANARY),
        org.assertj.core.groups.Tuple.tuple("linear 75% bake", Pairing.CANARY));
    assertThat(mirrorWhenJudged).containsOnly("v1"); // blue answers the rows green served
    List<String> calls = backend.calls;
    assertThat(calls).filteredOn(c -> c.startsWith("startShadow")).containsExactly(
        "startShadow nyctaxi-prod v1 pairs only"); // once, before green's first request
    assertThat(calls.indexOf("startShadow nyctaxi-prod v1 pairs only"))
        .isLessThan(calls.indexOf("shiftTraffic nyctaxi-prod {v1=75, v2=25}"));
    assertThat(calls.indexOf("stopShadow nyctaxi-prod")).isGreaterThan(calls.indexOf(
        "shiftTraffic nyctaxi-prod {v1=25, v2=75}")).isLessThan(calls.indexOf("shiftTraffic nyctaxi-prod {v1=0, v2=100}"));
    assertThat(calls).filteredOn(c -> c.startsWith("stopShadow")).hasSize(1);
    assertThat(backend.shadows).isEmpty();
    assertThat(wf.status().events()).anyMatch(e -> e.endsWith("paired canary: requests green v2 serves are mirrored"
        + " to blue v1")).anyMatch(e -> e.endsWith("paired canary stopped"));
  }

  @Test
  void aRollbackPutsBlueBackBeforeItStopsThePairedCanary() {
    FakeBackend backend = withBlue();
    backend.judgeAnswer = r -> FakeBackend.judged(r, Verdict.FAIL);
    PipelineResult result = result(startAndApprove(backend, request("v2", policy().build())));
    assertThat(result.outcome()).isEqualTo(Outcome.ROLLED_BACK);
    List<String> calls = backend.calls;
    assertThat(calls.indexOf("stopShadow nyctaxi-prod"))
        .isGreaterThan(calls.indexOf("shiftTraffic nyctaxi-prod {v1=100, v2=0}"));
    assertThat(backend.shadows).isEmpty();
  }

  @Test
  void noPairedCanaryWhenThePolicyTurnsItOffOrTheBackendCannotMirror() {
    FakeBackend off = withBlue();
    SafeDeploymentWorkflow wf = startAndApprove(off, request("v2", policy()
        .judge(JudgePolicy.defaults().withPairedCanary(false)).build()));
    assertThat(result(wf).outcome()).isEqualTo(Outcome.PROMOTED);
    assertThat(off.calls).noneMatch(c -> c.startsWith("startShadow") || c.startsWith("stopShadow"));
    assertThat(off.judgeRequests).extracting(JudgeRequest::pairing).containsExactly(Pairing.NONE);
    harness.close();

    FakeBackend cannot = withBlue();
    cannot.canShadow = false;
    wf = startAndApprove(cannot, request("v2", policy().build()));
    assertThat(result(wf).outcome()).isEqualTo(Outcome.PROMOTED);
    assertThat(cannot.judgeRequests).extracting(JudgeRequest::pairing).containsExactly(Pairing.NONE);
    assertThat(wf.status().events()).anyMatch(e -> e.endsWith("no paired canary: this backend cannot mirror"));
    assertThat(cannot.calls).noneMatch(c -> c.startsWith("stopShadow"));
  }

  @Test
  void aBackendThatCannotMirrorSkipsTheShadowStepSayingSo() {
    FakeBackend backend = withBlue();
    backend.canShadow = false;
    SafeDeploymentWorkflow wf = startAndApprove(backend, request("v2", policy()
        .judge(JudgePolicy.withShadow(Duration.ofMinutes(3))).build()));
    assertThat(result(wf).outcome()).isEqualTo(Outcome.PROMOTED);
    assertThat(backend.judgeRequests).extracting(JudgeRequest::step).containsExactly("canary 10% bake");
    assertThat(wf.status().events()).anyMatch(e -> e.endsWith("no shadow step: this backend cannot mirror"));
  }

  @Test
  void anInvalidJudgePolicyFailsTheRequest() {
    FakeBackend backend = withBlue();
    harness = new PipelineHarness(backend);
    PipelineResult result = result(harness.start(request("v2", policy().judge(new JudgePolicy(true, 1.5, null, null,
        null, null, null, null, null, null, null, null, null)).build())));
    assertThat(result.outcome()).isEqualTo(Outcome.FAILED);
    assertThat(result.reason()).contains("policy.judge.confidence must be in (0, 1), got 1.5");
  }
}
