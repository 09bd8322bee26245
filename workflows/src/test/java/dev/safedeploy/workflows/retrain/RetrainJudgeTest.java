package dev.safedeploy.workflows.retrain;

import static org.assertj.core.api.Assertions.assertThat;

import dev.safedeploy.workflows.client.PipelineRuns;
import dev.safedeploy.workflows.judge.JudgeMetric;
import dev.safedeploy.workflows.judge.JudgeRequest;
import dev.safedeploy.workflows.judge.Judgement;
import dev.safedeploy.workflows.judge.MetricJudgement;
import dev.safedeploy.workflows.judge.Verdict;
import dev.safedeploy.workflows.lease.EndpointLeases;
import dev.safedeploy.workflows.pipeline.AlarmSignal;
import dev.safedeploy.workflows.pipeline.ApprovalDecision;
import dev.safedeploy.workflows.pipeline.DeploymentPolicy;
import dev.safedeploy.workflows.pipeline.Outcome;
import dev.safedeploy.workflows.pipeline.PipelineResult;
import dev.safedeploy.workflows.pipeline.PipelineStatus;
import dev.safedeploy.workflows.pipeline.SafeDeploymentWorkflow;
import dev.safedeploy.workflows.pipeline.SafeDeploymentWorkflowImpl;
import dev.safedeploy.workflows.pipeline.Stage;
import dev.safedeploy.workflows.testing.FakeBackend;
import dev.safedeploy.workflows.testing.PipelineHarness;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowStub;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A retrain run's judge, in the real pipeline workflow started by the real retrain workflow (time skipping, fake
 * backend): the retrained model's answers moved, as retraining on drift means them to, and the run pauses for a human
 * instead of rolling back; the same judgement rolls an ordinary run back.
 */
@Timeout(90)
class RetrainJudgeTest {
  private static final String PROD = "nyctaxi-prod";

  private TestWorkflowEnvironment env;
  private WorkflowClient client;
  private FakeBackend backend;
  private FakeRetrainActivities retrain;

  @BeforeEach
  void setUp() {
    env = TestWorkflowEnvironment.newInstance();
    PipelineHarness.registerSearchAttributes(env);
    Worker worker = env.newWorker(SafeDeploymentWorkflow.TASK_QUEUE);
    worker.registerWorkflowImplementationTypes(SafeDeploymentWorkflowImpl.class, RetrainWorkflowImpl.class);
    backend = new FakeBackend().withLive("nyctaxi", "v1", 5.0);
    // errors and latency like blue's; the answers significantly moved, on the live rows and on the paired ones
    backend.judgeAnswer = RetrainJudgeTest::answersMoved;
    retrain = new FakeRetrainActivities();
    retrain.livePolicy = DeploymentPolicy.builder().watchWindow(Duration.ZERO).build();
    worker.registerActivitiesImplementations(backend, retrain);
    EndpointLeases.register(worker, env.getWorkflowClient(), null, null);
    env.start();
    client = env.getWorkflowClient();
  }

  @AfterEach
  void tearDown() {
    env.close();
  }

  static Judgement answersMoved(JudgeRequest r) {
    return Judgement.score(r, List.of(
        new MetricJudgement(JudgeMetric.ERROR_RATE, 900, 100, "two-proportion z", 0.0, 0.5, 0.0, 0.0, Verdict.PASS,
            "green 5xx 0.00% vs blue 0.00%"),
        new MetricJudgement(JudgeMetric.LATENCY_P50, 900, 100, "Mann-Whitney U", 0.0, 0.4, 1.0, 1.0, Verdict.PASS,
            "green p50 1.0 ms vs blue 1.0 ms"),
        new MetricJudgement(JudgeMetric.LATENCY_P99, 900, 100, "two-proportion z", 0.0, 0.4, 3.0, 3.0, Verdict.PASS,
            "green p99 3.0 ms vs blue 3.0 ms"),
        new MetricJudgement(JudgeMetric.PREDICTION, 900, 100, "Mann-Whitney U", 1.0, 1e-9, 10.0, 11.5, Verdict.FAIL,
            "green median answer 11.5 vs blue 10 (+15.0%)"),
        new MetricJudgement(JudgeMetric.PREDICTION_PAIRED, 100, 100, "Wilcoxon signed-rank", 1.0, 1e-12, 10.0, 11.5,
            Verdict.FAIL, "median |green − blue| 1.5 on 100 mirrored rows")));
  }

  private SafeDeploymentWorkflow run(String version) {
    return client.newWorkflowStub(SafeDeploymentWorkflow.class, "deploy-nyctaxi-" + version);
  }

  private PipelineStatus await(SafeDeploymentWorkflow wf, Predicate<PipelineStatus> condition) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    PipelineStatus status = null;
    while (System.nanoTime() < deadline) {
      try {
        status = wf.status();
        if (condition.test(status)) {
          return status;
        }
      } catch (io.temporal.client.WorkflowNotFoundException e) {
        // the retrain has not started it yet
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
    throw new AssertionError("run status never matched; last: " + status);
  }

  /** Skips time (the bakes' timers) until the run waits for a decision on a marginal judgement, or ends. */
  private PipelineStatus skipUntilReviewOrEnd(SafeDeploymentWorkflow wf) {
    for (int i = 0; i < 30; i++) {
      PipelineStatus s = wf.status();
      if (s.judgeReview() != null || s.stage() == Stage.DONE) {
        return s;
      }
      env.sleep(Duration.ofMinutes(1));
    }
    throw new AssertionError("never waited for a decision nor ended; last: " + wf.status());
  }

  private static PipelineResult result(SafeDeploymentWorkflow wf) {
    try {
      return WorkflowStub.fromTyped(wf).getResult(30, TimeUnit.SECONDS, PipelineResult.class);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new AssertionError("no result", e);
    }
  }

  @Test
  void aRetrainedModelWhoseAnswersMovedPausesForAHumanInsteadOfRollingBack() {
    RetrainStarter.alarm(client, "nyctaxi", new AlarmSignal("nyctaxi-prod-feature-drift", "ALARM",
        "feature_baseline_drift_total_amount Maximum > 0.2 (most recent 0.44)", Instant.parse("2026-08-10T12:00:00Z")));
    SafeDeploymentWorkflow wf = run("v2");
    await(wf, s -> s.stage() == Stage.AWAIT_APPROVAL);
    wf.decide(ApprovalDecision.approve("bob", "retrain", "test"));

    PipelineStatus paused = skipUntilReviewOrEnd(wf);
    assertThat(paused.judgeReview()).as("paused for a decision, not ended: %s", paused.outcome()).isNotNull();
    assertThat(paused.judgeReview().verdict()).isEqualTo(Verdict.MARGINAL);
    assertThat(paused.judgeReview().score()).isEqualTo(100.0); // errors and latency all passed
    assertThat(paused.judgeReview().reason()).contains("advisory (a human decides, never a rollback): PREDICTION "
        + "green median answer 11.5").contains("PREDICTION_PAIRED median |green − blue| 1.5");
    assertThat(backend.weights(PROD)).containsEntry("v1", 90).containsEntry("v2", 10); // held at the canary step
    JudgeRequest asked = backend.judgeRequests.get(0);
    assertThat(asked.policy().advisoryMetrics()).containsExactly(JudgeMetric.PREDICTION,
        JudgeMetric.PREDICTION_PAIRED);
    assertThat(asked.policy().criticalMetrics()).containsExactly(JudgeMetric.ERROR_RATE);

    wf.decide(ApprovalDecision.approve("bob", "retrained on drift: its answers are meant to move", "test"));
    PipelineResult result = result(wf);
    assertThat(result.outcome()).isEqualTo(Outcome.PROMOTED);
    assertThat(backend.weights(PROD)).containsExactly(Map.entry("v2", 100));
  }

  @Test
  void theSameJudgementRollsAnOrdinaryRunBack() {
    SafeDeploymentWorkflow wf = PipelineRuns.start(client, PipelineHarness.request("v2", retrain.livePolicy))
        .workflow();
    await(wf, s -> s.stage() == Stage.AWAIT_APPROVAL);
    wf.decide(ApprovalDecision.approve("bob", "new model", "test"));
    skipUntilReviewOrEnd(wf);
    PipelineResult result = result(wf);
    assertThat(result.outcome()).isEqualTo(Outcome.ROLLED_BACK);
    assertThat(result.reason()).contains("critical metric failed").contains("PREDICTION green median answer 11.5");
  }

  @Test
  void aRetrainedModelWithMoreErrorsIsStillRolledBack() {
    backend.judgeAnswer = r -> {
      Judgement moved = answersMoved(r);
      List<MetricJudgement> m = new java.util.ArrayList<>(moved.metrics());
      m.set(0, new MetricJudgement(JudgeMetric.ERROR_RATE, 900, 100, "Fisher exact", null, 1e-6, 0.0, 0.08,
          Verdict.FAIL, "green 5xx 8.00% vs blue 0.00%"));
      return Judgement.score(r, m);
    };
    RetrainStarter.alarm(client, "nyctaxi", new AlarmSignal("nyctaxi-prod-feature-drift", "ALARM",
        "feature_baseline_drift_total_amount Maximum > 0.2 (most recent 0.51)", Instant.parse("2026-08-10T13:00:00Z")));
    SafeDeploymentWorkflow wf = run("v2");
    await(wf, s -> s.stage() == Stage.AWAIT_APPROVAL);
    wf.decide(ApprovalDecision.approve("bob", "retrain", "test"));
    skipUntilReviewOrEnd(wf);
    PipelineResult result = result(wf);
    assertThat(result.outcome()).isEqualTo(Outcome.ROLLED_BACK);
    assertThat(result.reason()).contains("critical metric failed").contains("ERROR_RATE green 5xx 8.00%");
  }
}
