package dev.safedeploy.workflows.judge;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.safedeploy.workflows.pipeline.DeploymentPolicy;
import io.temporal.common.converter.JacksonJsonPayloadConverter;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class JudgePolicyTest {
  private static final ObjectMapper TEMPORAL_JSON = JacksonJsonPayloadConverter.newDefaultObjectMapper();

  @Test
  void defaultsAreKayentas() {
    JudgePolicy p = DeploymentPolicy.defaults().judge();
    assertThat(p.enabled()).isTrue();
    assertThat(p.confidence()).isEqualTo(0.98);
    assertThat(p.alpha()).isCloseTo(0.02, org.assertj.core.api.Assertions.within(1e-12));
    assertThat(p.passScore()).isEqualTo(95.0);
    assertThat(p.marginalScore()).isEqualTo(75.0);
    assertThat(p.minSamples()).isEqualTo(50);
    assertThat(p.metrics()).containsExactly(JudgeMetric.values());
    assertThat(p.criticalMetrics()).containsExactly(JudgeMetric.ERROR_RATE, JudgeMetric.PREDICTION,
        JudgeMetric.PREDICTION_PAIRED);
    assertThat(p.latencyFloorMillis()).isEqualTo(0.5);
    assertThat(p.predictionTolerance()).isEqualTo(0.02);
    assertThat(p.shadow()).isZero();
    assertThat(p.problems()).isEmpty();
  }

  @Test
  void aPolicyWrittenBeforeTheJudgeGetsTheDefaultJudge() throws Exception {
    String old = """
        {"strategy":"CANARY","canaryPercent":10,"linearStepPercent":10,"linearInterval":300.0,"bake":300.0,
         "finalBake":300.0,"alarmNames":[],"alarmPollInterval":30.0,"approvalTimeout":604800.0,
         "reminderInterval":86400.0,"approvers":[],"fourEyes":true,"rmseThreshold":10.0,"rmseTolerance":0.05,
         "watchWindow":3600.0,"maxHookLatencyMillis":2000,"prodLease":"QUEUE"}""";
    DeploymentPolicy p = TEMPORAL_JSON.readValue(old, DeploymentPolicy.class);
    assertThat(p.judge()).isEqualTo(JudgePolicy.defaults());
    assertThat(p.canaryPercent()).isEqualTo(10);
  }

  @Test
  void aPartialJudgeSectionKeepsTheOtherDefaults() throws Exception {
    DeploymentPolicy p = TEMPORAL_JSON.readValue(
        "{\"judge\":{\"confidence\":0.95,\"metrics\":[\"ERROR_RATE\",\"LATENCY_P50\"]}}", DeploymentPolicy.class);
    assertThat(p.judge().confidence()).isEqualTo(0.95);
    assertThat(p.judge().minSamples()).isEqualTo(50);
    assertThat(p.judge().criticalMetrics()).containsExactly(JudgeMetric.ERROR_RATE);
    DeploymentPolicy back = TEMPORAL_JSON.readValue(TEMPORAL_JSON.writeValueAsString(p), DeploymentPolicy.class);
    assertThat(back).isEqualTo(p);
  }

  @Test
  void badJudgePoliciesAreNamed() {
    JudgePolicy p = new JudgePolicy(true, 1.0, 80.0, 90.0, 1, List.of(JudgeMetric.LATENCY_P50),
        List.of(JudgeMetric.ERROR_RATE), -0.1, Double.NaN, -1.0, java.time.Duration.ofMinutes(-1), null, null);
    assertThat(p.problems()).containsExactly(
        "policy.judge.confidence must be in (0, 1), got 1.0",
        "policy.judge.marginalScore (90.0) must not exceed passScore (80.0)",
        "policy.judge.minSamples must be at least 2, got 1",
        "policy.judge.criticalMetrics: ERROR_RATE is not among policy.judge.metrics [LATENCY_P50]",
        "policy.judge.latencyTolerance must be zero or more, got -0.1",
        "policy.judge.predictionTolerance must be zero or more, got NaN",
        "policy.judge.latencyFloorMillis must be zero or more, got -1.0",
        "policy.judge.shadow must not be negative, got PT-1M");
    assertThat(DeploymentPolicy.builder().judge(new JudgePolicy(true, null, null, null, null, List.of(), null, null,
        null, null, null, null, null)).build()).extracting(d -> d.judge().problems()).asList()
        .containsExactly("policy.judge.metrics must name at least one metric when the judge is enabled");
  }

  // ---- scoring ----

  private static final JudgeRequest REQUEST = new JudgeRequest("nyctaxi-prod", "v1", "v2",
      Instant.parse("2026-12-03T08:00:00Z"), Instant.parse("2026-12-03T08:05:00Z"), "canary 10% bake",
      JudgePolicy.defaults());

  private static MetricJudgement metric(JudgeMetric m, Verdict v) {
    return new MetricJudgement(m, 900, 100, "test", 1.0, v == Verdict.PASS ? 0.5 : 0.001, 1.0, 2.0, v,
        "green 2.0 vs blue 1.0");
  }

  private static final JudgeRequest RETRAIN = new JudgeRequest("nyctaxi-prod", "v1", "v2",
      Instant.parse("2026-12-03T08:00:00Z"), Instant.parse("2026-12-03T08:05:00Z"), "canary 10% bake",
      JudgePolicy.defaults().forRetrain());

  @Test
  void aRetrainRunsAnswerMetricsAreAdvisoryAndItsErrorsStayCritical() {
    JudgePolicy retrain = JudgePolicy.defaults().forRetrain();
    assertThat(retrain.advisoryMetrics()).containsExactly(JudgeMetric.PREDICTION, JudgeMetric.PREDICTION_PAIRED);
    assertThat(retrain.criticalMetrics()).containsExactly(JudgeMetric.ERROR_RATE);
    assertThat(retrain.problems()).isEmpty();
    assertThat(retrain.forRetrain()).isEqualTo(retrain);
    // a policy judging no answers has nothing to make advisory
    JudgePolicy errorsOnly = JudgePolicy.defaults().withMetrics(List.of(JudgeMetric.ERROR_RATE), null).forRetrain();
    assertThat(errorsOnly.advisoryMetrics()).isEmpty();

    // both answer metrics failing: MARGINAL, scored on the rest
    Judgement moved = Judgement.score(RETRAIN, List.of(metric(JudgeMetric.ERROR_RATE, Verdict.PASS),
        metric(JudgeMetric.LATENCY_P50, Verdict.PASS), metric(JudgeMetric.LATENCY_P99, Verdict.PASS),
        metric(JudgeMetric.PREDICTION, Verdict.FAIL), metric(JudgeMetric.PREDICTION_PAIRED, Verdict.FAIL)));
    assertThat(moved.verdict()).isEqualTo(Verdict.MARGINAL);
    assertThat(moved.score()).isEqualTo(100.0);
    assertThat(moved.reason()).isEqualTo("judge MARGINAL: score 100 (pass 95, marginal 75): advisory (a human"
        + " decides, never a rollback): PREDICTION green 2.0 vs blue 1.0; PREDICTION_PAIRED green 2.0 vs blue 1.0");
    // the same judgement under the default policy rolls back
    assertThat(Judgement.score(REQUEST, moved.metrics()).verdict()).isEqualTo(Verdict.FAIL);
    // errors stay critical
    Judgement errors = Judgement.score(RETRAIN, List.of(metric(JudgeMetric.ERROR_RATE, Verdict.FAIL),
        metric(JudgeMetric.LATENCY_P50, Verdict.PASS), metric(JudgeMetric.PREDICTION, Verdict.FAIL)));
    assertThat(errors.verdict()).isEqualTo(Verdict.FAIL);
    assertThat(errors.reason()).contains("critical metric failed: ERROR_RATE");
    // latency as before: two of three scored metrics failing fails
    Judgement slow = Judgement.score(RETRAIN, List.of(metric(JudgeMetric.ERROR_RATE, Verdict.PASS),
        metric(JudgeMetric.LATENCY_P50, Verdict.FAIL), metric(JudgeMetric.LATENCY_P99, Verdict.FAIL),
        metric(JudgeMetric.PREDICTION, Verdict.PASS)));
    assertThat(slow.verdict()).isEqualTo(Verdict.FAIL);
    // only advisory metrics judged, and passing: a pass without a score
    Judgement answersOnly = Judgement.score(RETRAIN, List.of(metric(JudgeMetric.PREDICTION, Verdict.PASS),
        MetricJudgement.inconclusive(JudgeMetric.ERROR_RATE, 0, 0, "too few")));
    assertThat(answersOnly.verdict()).isEqualTo(Verdict.PASS);
    assertThat(answersOnly.score()).isNull();
  }

  @Test
  void advisoryMetricsMustBeJudgedAndNotCritical() {
    JudgePolicy p = new JudgePolicy(null, null, null, null, null, List.of(JudgeMetric.ERROR_RATE,
        JudgeMetric.PREDICTION), List.of(JudgeMetric.ERROR_RATE), null, null, null, null, null,
        List.of(JudgeMetric.ERROR_RATE, JudgeMetric.LATENCY_P50));
    assertThat(p.problems()).containsExactly(
        "policy.judge.advisoryMetrics: ERROR_RATE is also critical; a metric is one or the other",
        "policy.judge.advisoryMetrics: LATENCY_P50 is not among policy.judge.metrics [ERROR_RATE, PREDICTION]");
  }

  @Test
  void allPassingIsAPass() {
    Judgement j = Judgement.score(REQUEST, List.of(metric(JudgeMetric.ERROR_RATE, Verdict.PASS),
        metric(JudgeMetric.LATENCY_P50, Verdict.PASS), metric(JudgeMetric.PREDICTION, Verdict.PASS),
        MetricJudgement.inconclusive(JudgeMetric.PREDICTION_PAIRED, 0, 0, "no mirrored pairs")));
    assertThat(j.verdict()).isEqualTo(Verdict.PASS);
    assertThat(j.score()).isEqualTo(100.0);
    assertThat(j.metrics()).hasSize(4);
  }

  @Test
  void oneNonCriticalFailureOfFourIsMarginal() {
    Judgement j = Judgement.score(REQUEST, List.of(metric(JudgeMetric.ERROR_RATE, Verdict.PASS),
        metric(JudgeMetric.LATENCY_P50, Verdict.FAIL), metric(JudgeMetric.LATENCY_P99, Verdict.PASS),
        metric(JudgeMetric.PREDICTION, Verdict.PASS)));
    assertThat(j.verdict()).isEqualTo(Verdict.MARGINAL);
    assertThat(j.score()).isEqualTo(75.0);
    assertThat(j.reason()).isEqualTo(
        "judge MARGINAL: score 75 (pass 95, marginal 75): LATENCY_P50 green 2.0 vs blue 1.0");
  }

  @Test
  void twoNonCriticalFailuresFail() {
    Judgement j = Judgement.score(REQUEST, List.of(metric(JudgeMetric.ERROR_RATE, Verdict.PASS),
        metric(JudgeMetric.LATENCY_P50, Verdict.FAIL), metric(JudgeMetric.LATENCY_P99, Verdict.FAIL),
        metric(JudgeMetric.PREDICTION, Verdict.PASS)));
    assertThat(j.verdict()).isEqualTo(Verdict.FAIL);
    assertThat(j.score()).isEqualTo(50.0);
  }

  @Test
  void aCriticalFailureFailsWhateverTheScore() {
    Judgement j = Judgement.score(REQUEST, List.of(metric(JudgeMetric.ERROR_RATE, Verdict.PASS),
        metric(JudgeMetric.LATENCY_P50, Verdict.PASS), metric(JudgeMetric.LATENCY_P99, Verdict.PASS),
        metric(JudgeMetric.PREDICTION, Verdict.FAIL)));
    assertThat(j.verdict()).isEqualTo(Verdict.FAIL);
    assertThat(j.score()).isEqualTo(75.0);
    assertThat(j.reason()).contains("critical metric failed").contains("PREDICTION green 2.0 vs blue 1.0");
  }

  @Test
  void tooFewSamplesEverywhereIsInconclusive() {
    Judgement j = Judgement.score(REQUEST, List.of(
        MetricJudgement.inconclusive(JudgeMetric.ERROR_RATE, 400, 12, "green has 12 of 50 samples")));
    assertThat(j.verdict()).isEqualTo(Verdict.INCONCLUSIVE);
    assertThat(j.score()).isNull();
    assertThat(j.reason()).isEqualTo("too few samples: ERROR_RATE blue 400 / green 12");
  }
}
