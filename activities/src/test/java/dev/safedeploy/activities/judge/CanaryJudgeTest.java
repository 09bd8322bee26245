package dev.safedeploy.activities.judge;

import static org.assertj.core.api.Assertions.assertThat;

import dev.safedeploy.workflows.judge.JudgeMetric;
import dev.safedeploy.workflows.judge.JudgePolicy;
import dev.safedeploy.workflows.judge.JudgeRequest;
import dev.safedeploy.workflows.judge.Judgement;
import dev.safedeploy.workflows.judge.MetricJudgement;
import dev.safedeploy.workflows.judge.Verdict;
import java.time.Instant;
import java.util.Random;
import org.junit.jupiter.api.Test;

class CanaryJudgeTest {
  private static final JudgeRequest REQUEST = new JudgeRequest("m-prod", "v1", "v2",
      Instant.parse("2026-12-03T08:00:00Z"), Instant.parse("2026-12-03T08:05:00Z"), "canary 10% bake",
      JudgePolicy.defaults());

  /** n requests: lognormal latency around medianMs, predictions normal(mean, sd), the first `errors` answered 5xx. */
  static VariantData variant(Random r, int n, double medianMs, double predMean, double predSd, int errors) {
    return variant(r, n, medianMs, 0.3, predMean, predSd, errors);
  }

  static VariantData variant(Random r, int n, double medianMs, double sigma, double predMean, double predSd,
      int errors) {
    double[] latency = new double[n];
    double[] predictions = new double[n - errors];
    for (int i = 0; i < n; i++) {
      latency[i] = Math.round(medianMs * Math.exp(sigma * r.nextGaussian()) * 1000) / 1000.0;
      if (i >= errors) {
        predictions[i - errors] = predMean + predSd * r.nextGaussian();
      }
    }
    return new VariantData(latency, errors, predictions);
  }

  private static MetricJudgement metric(Judgement j, JudgeMetric m) {
    return j.metrics().stream().filter(x -> x.metric() == m).findFirst().orElseThrow();
  }

  @Test
  void aGreenLikeBluePasses() {
    Random r = new Random(1);
    Judgement j = CanaryJudge.judge(REQUEST, variant(r, 1800, 1.0, 20, 8, 1), variant(r, 200, 1.0, 20, 8, 0),
        null, null);
    assertThat(j.verdict()).isEqualTo(Verdict.PASS);
    assertThat(j.score()).isEqualTo(100.0);
    assertThat(metric(j, JudgeMetric.PREDICTION_PAIRED).verdict()).isEqualTo(Verdict.INCONCLUSIVE);
    assertThat(metric(j, JudgeMetric.PREDICTION_PAIRED).detail()).contains("no mirrored pairs");
    MetricJudgement errors = metric(j, JudgeMetric.ERROR_RATE);
    assertThat(errors.blueSamples()).isEqualTo(1800);
    assertThat(errors.greenSamples()).isEqualTo(200);
    assertThat(errors.test()).isEqualTo("Fisher exact");
  }

  @Test
  void eachSampledMetricKeepsBothDistributionsForTheReport() {
    Random r = new Random(3);
    Judgement j = CanaryJudge.judge(REQUEST, variant(r, 1800, 1.0, 20, 8, 0), variant(r, 200, 1.0, 24, 8, 0),
        null, null);
    MetricJudgement p = metric(j, JudgeMetric.PREDICTION);
    assertThat(p.blueQuantiles().count()).isEqualTo(1800);
    assertThat(p.greenQuantiles().count()).isEqualTo(200);
    assertThat(p.blueQuantiles().values().get(10)).isEqualTo(p.blueValue()); // the median is the judged value
    assertThat(p.greenQuantiles().values().get(10)).isGreaterThan(p.blueQuantiles().values().get(10));
    assertThat(metric(j, JudgeMetric.LATENCY_P50).greenQuantiles().count()).isEqualTo(200);
    assertThat(metric(j, JudgeMetric.ERROR_RATE).blueQuantiles()).as("a share has no distribution").isNull();
    assertThat(metric(j, JudgeMetric.PREDICTION_PAIRED).blueQuantiles()).as("no mirrored pairs").isNull();
  }

  @Test
  void differentAnswersFailTheCriticalPredictionMetric() {
    Random r = new Random(2);
    Judgement j = CanaryJudge.judge(REQUEST, variant(r, 1800, 1.0, 20, 8, 0), variant(r, 200, 1.0, 24, 8, 0),
        null, null);
    assertThat(j.verdict()).isEqualTo(Verdict.FAIL);
    MetricJudgement p = metric(j, JudgeMetric.PREDICTION);
    assertThat(p.verdict()).isEqualTo(Verdict.FAIL);
    assertThat(p.pValue()).isLessThan(0.02);
    assertThat(j.reason()).contains("critical metric failed").contains("PREDICTION green median answer");
  }

  @Test
  void aSlowerGreenIsMarginalAndWithASlowerTailToo() {
    Random r = new Random(3);
    // median 30% higher but a narrower spread: the tail is no slower than blue's
    Judgement marginal = CanaryJudge.judge(REQUEST, variant(r, 1800, 10.0, 0.3, 20, 8, 0),
        variant(r, 200, 13.0, 0.1, 20, 8, 0), null, null);
    assertThat(metric(marginal, JudgeMetric.LATENCY_P50).verdict()).isEqualTo(Verdict.FAIL);
    assertThat(metric(marginal, JudgeMetric.LATENCY_P50).detail()).contains("Mann-Whitney U");
    assertThat(metric(marginal, JudgeMetric.LATENCY_P99).verdict()).isEqualTo(Verdict.PASS);
    assertThat(marginal.score()).isEqualTo(75.0);
    assertThat(marginal.verdict()).isEqualTo(Verdict.MARGINAL);

    // the whole distribution slower: its tail is too, two non-critical failures of four
    Judgement j = CanaryJudge.judge(REQUEST, variant(r, 1800, 10.0, 20, 8, 0), variant(r, 200, 14.0, 20, 8, 0),
        null, null);
    assertThat(metric(j, JudgeMetric.LATENCY_P99).verdict()).isEqualTo(Verdict.FAIL);
    assertThat(metric(j, JudgeMetric.LATENCY_P99).detail()).contains("slower than blue's p99");
    assertThat(j.score()).isEqualTo(50.0);
    assertThat(j.verdict()).isEqualTo(Verdict.FAIL);
  }

  @Test
  void aSlowerGreenWithinTheToleranceIsNotAFailure() {
    Random r = new Random(4);
    // 5% (1 ms) slower with many samples: significant, but under the 10% tolerance
    Judgement j = CanaryJudge.judge(REQUEST, variant(r, 20000, 20.0, 20, 8, 0), variant(r, 20000, 21.0, 20, 8, 0),
        null, null);
    MetricJudgement p50 = metric(j, JudgeMetric.LATENCY_P50);
    assertThat(p50.pValue()).isLessThan(0.02);
    assertThat(p50.verdict()).isEqualTo(Verdict.PASS);

    // 30% slower but by 0.3 ms: significant, over the tolerance, under the 0.5 ms floor
    Judgement sub = CanaryJudge.judge(REQUEST, variant(r, 1800, 1.0, 20, 8, 0), variant(r, 200, 1.3, 20, 8, 0),
        null, null);
    assertThat(metric(sub, JudgeMetric.LATENCY_P50).pValue()).isLessThan(0.02);
    assertThat(metric(sub, JudgeMetric.LATENCY_P50).verdict()).isEqualTo(Verdict.PASS);
    assertThat(metric(sub, JudgeMetric.LATENCY_P50).detail()).contains("tolerance 10% and 0.50 ms");
  }

  @Test
  void moreErrorsFail() {
    Random r = new Random(5);
    Judgement j = CanaryJudge.judge(REQUEST, variant(r, 1800, 1.0, 20, 8, 2), variant(r, 200, 1.0, 20, 8, 8),
        null, null);
    assertThat(metric(j, JudgeMetric.ERROR_RATE).verdict()).isEqualTo(Verdict.FAIL);
    assertThat(j.verdict()).isEqualTo(Verdict.FAIL);
    assertThat(j.reason()).contains("ERROR_RATE green 5xx 4.00% (8/200) vs blue 0.11% (2/1800), Fisher exact");
  }

  @Test
  void tooFewGreenRequestsIsInconclusive() {
    Random r = new Random(6);
    Judgement j = CanaryJudge.judge(REQUEST, variant(r, 1800, 1.0, 20, 8, 0), variant(r, 30, 3.0, 40, 8, 5),
        null, null);
    assertThat(j.verdict()).isEqualTo(Verdict.INCONCLUSIVE);
    assertThat(metric(j, JudgeMetric.ERROR_RATE).detail())
        .isEqualTo("too few requests: blue 1800, green 30 (minimum 50 each)");
  }

  @Test
  void mirroredPairsCatchAModelThatAnswersNonsense() {
    Random r = new Random(7);
    double[] blue = new double[300];
    double[] same = new double[300];
    double[] nonsense = new double[300];
    for (int i = 0; i < blue.length; i++) {
      blue[i] = 20 + 8 * r.nextGaussian();
      same[i] = blue[i];
      nonsense[i] = blue[i] * 0.5 + 3;
    }
    VariantData b = variant(r, 1800, 1.0, 20, 8, 0);
    VariantData g = variant(r, 200, 1.0, 20, 8, 0);
    assertThat(metric(CanaryJudge.judge(REQUEST, b, g, blue, same), JudgeMetric.PREDICTION_PAIRED).verdict())
        .isEqualTo(Verdict.PASS);
    Judgement j = CanaryJudge.judge(REQUEST, b, g, blue, nonsense);
    assertThat(metric(j, JudgeMetric.PREDICTION_PAIRED).verdict()).isEqualTo(Verdict.FAIL);
    assertThat(j.verdict()).isEqualTo(Verdict.FAIL);
  }

  @Test
  void pairedAnswersThatScatterAroundBlueFailThoughTheyAreNotShifted() {
    // an unbiased but noisier green: on each row it answers blue ± 8% in turn; the signed-rank test sees no shift
    double[] blue = new double[100];
    double[] green = new double[100];
    for (int i = 0; i < 100; i++) {
      blue[i] = 10 + i * 0.1;
      green[i] = blue[i] * (i % 2 == 0 ? 1.08 : 0.92);
    }
    MetricJudgement scattered = CanaryJudge.paired(JudgePolicy.defaults(), blue, green);
    assertThat(RankTests.wilcoxonPaired(blue, green).pTwoSided()).isGreaterThan(0.02);
    assertThat(scattered.verdict()).isEqualTo(Verdict.FAIL);
    assertThat(scattered.test()).startsWith("sign test");
    assertThat(scattered.detail()).contains("100 of 100 rows beyond the tolerance");

    // the same scatter within the 2% tolerance passes, and so do exactly equal answers
    double[] close = new double[100];
    for (int i = 0; i < 100; i++) {
      close[i] = blue[i] * (i % 2 == 0 ? 1.01 : 0.99);
    }
    assertThat(CanaryJudge.paired(JudgePolicy.defaults(), blue, close).verdict()).isEqualTo(Verdict.PASS);
    MetricJudgement same = CanaryJudge.paired(JudgePolicy.defaults(), blue, blue.clone());
    assertThat(same.verdict()).isEqualTo(Verdict.PASS);
    assertThat(same.pValue()).isEqualTo(1.0);
  }

  @Test
  void pairedAnswersShiftedToOneSideStillFailOnTheSignedRankTest() {
    double[] blue = new double[100];
    double[] green = new double[100];
    Random r = new Random(5);
    for (int i = 0; i < 100; i++) {
      blue[i] = 10 + r.nextGaussian();
      green[i] = blue[i] * 1.05 + 0.01 * r.nextGaussian();
    }
    MetricJudgement shifted = CanaryJudge.paired(JudgePolicy.defaults(), blue, green);
    assertThat(shifted.verdict()).isEqualTo(Verdict.FAIL);
    assertThat(shifted.test()).isEqualTo("Wilcoxon signed-rank");
  }
}
