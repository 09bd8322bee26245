package dev.safedeploy.starter.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.safedeploy.starter.runs.RunView;
import dev.safedeploy.workflows.judge.JudgeMetric;
import dev.safedeploy.workflows.judge.Judgement;
import dev.safedeploy.workflows.judge.MetricJudgement;
import dev.safedeploy.workflows.judge.Verdict;
import dev.safedeploy.workflows.pipeline.Outcome;
import dev.safedeploy.workflows.pipeline.PipelineStatus;
import dev.safedeploy.workflows.pipeline.Stage;
import dev.safedeploy.workflows.pipeline.StageRecord;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class JudgeReportTest {

  static final Instant T = Instant.parse("2026-12-03T12:00:00Z");

  static double[] spread(int n, double lo, double hi) {
    double[] a = new double[n];
    for (int i = 0; i < n; i++) {
      a[i] = lo + (hi - lo) * i / (n - 1);
    }
    return a;
  }

  static PipelineStatus status(List<Judgement> judgements, String reason) {
    return new PipelineStatus("deploy-taxi-v2", "taxi", "v2", "alice", Stage.DONE, null, null,
        List.of(new StageRecord(Stage.DEPLOY_PROD, T, T.plusSeconds(90), "canary")), 4.1, 4.5, null, "taxi-prod",
        "v1", 1, List.of(10, 100), Map.of("v1", 100), null, List.of(), List.of(), List.of(), Outcome.ROLLED_BACK,
        reason, null, null, judgements, null, List.of());
  }

  static RunView view(PipelineStatus s) {
    return new RunView("deploy-taxi-v2", "run-1", "COMPLETED", T, T.plusSeconds(120), null, "query", s);
  }

  @Test
  void eachJudgedStepHasItsMetricsAndBlueAgainstGreenPlots() {
    MetricJudgement latency = new MetricJudgement(JudgeMetric.LATENCY_P50, 900, 100, "Mann-Whitney U", 41000.0,
        0.31, 1.2, 1.25, Verdict.PASS, "green p50 1.25 ms vs blue 1.2 ms")
        .withQuantiles(spread(900, 0.8, 3.0), spread(100, 0.9, 3.1));
    MetricJudgement answers = new MetricJudgement(JudgeMetric.PREDICTION, 900, 100, "Mann-Whitney U", 20000.0,
        0.0001, 20.0, 23.0, Verdict.FAIL, "green median answer 23 vs blue 20")
        .withQuantiles(spread(900, 10, 30), spread(100, 13, 33));
    MetricJudgement errors = new MetricJudgement(JudgeMetric.ERROR_RATE, 900, 100, "two-proportion z", 0.1, 0.46,
        0.01, 0.02, Verdict.PASS, "green 5xx 2%");
    Judgement j = new Judgement("canary 10% bake", T, T.plusSeconds(60), 66.7, Verdict.FAIL,
        "judge FAIL: PREDICTION green median answer 23 vs blue 20", List.of(latency, answers, errors));

    String html = JudgeReport.html(view(status(List.of(j), "judge FAIL")), T.plusSeconds(300));

    assertThat(html).startsWith("<!DOCTYPE html>").contains("deploy-taxi-v2", "taxi v2, blue v1", "ROLLED_BACK",
        "canary 10% bake", "score 67", "Mann-Whitney U", "two-proportion z", "90.0 s");
    assertThat(count(html, "<svg")).as("two distributions and the error bars").isEqualTo(3);
    assertThat(count(html, "<polyline class=\"blue\"")).isEqualTo(2);
    assertThat(count(html, "<polyline class=\"green\"")).isEqualTo(2);
    assertThat(html).contains("(900 samples)", "(100 samples)", "<rect class=\"green\"", "2.00%");
    assertThat(html).doesNotContain("<script", "src=\"http", "href=\"http");
    // green's answer curve lies right of blue's: at the median green's x is larger
    Matcher blue = Pattern.compile("<polyline class=\"blue\"[^>]*points=\"([^\"]+)\"").matcher(html);
    Matcher green = Pattern.compile("<polyline class=\"green\"[^>]*points=\"([^\"]+)\"").matcher(html);
    assertThat(blue.find() && blue.find()).isTrue();
    assertThat(green.find() && green.find()).isTrue();
    double blueMedianX = Double.parseDouble(blue.group(1).split(" ")[10].split(",")[0]);
    double greenMedianX = Double.parseDouble(green.group(1).split(" ")[10].split(",")[0]);
    assertThat(greenMedianX).isGreaterThan(blueMedianX);
  }

  @Test
  void textFromTheRunIsEscaped() {
    Judgement j = new Judgement("<img src=x onerror=alert(1)>", T, T.plusSeconds(60), null, Verdict.INCONCLUSIVE,
        "too few \"samples\" & <b>no</b> pairs", List.of());
    String html = JudgeReport.html(view(status(List.of(j), "<script>alert(2)</script>")), T);
    assertThat(html).doesNotContain("<img src=x", "<script>", "<b>no</b>")
        .contains("&lt;img src=x onerror=alert(1)&gt;", "&lt;script&gt;", "&quot;samples&quot; &amp;");
  }

  @Test
  void aRunWithoutJudgementsOrStatusSaysSo() {
    assertThat(JudgeReport.html(view(status(List.of(), null)), T)).contains("No judgements");
    RunView unreadable = new RunView("deploy-taxi-v2", "run-1", "TERMINATED", T, T, null, "unavailable", null);
    assertThat(JudgeReport.html(unreadable, T)).contains("could not be read", "TERMINATED");
  }

  @Test
  void oldJudgementsWithoutDistributionsStillRender() {
    MetricJudgement m = new MetricJudgement(JudgeMetric.PREDICTION, 900, 100, "Mann-Whitney U", 1.0, 0.4, 20.0,
        20.1, Verdict.PASS, "ok");
    String html = JudgeReport.html(view(status(List.of(new Judgement("canary 10% bake", T, T, 100.0, Verdict.PASS,
        "pass", List.of(m))), null)), T);
    assertThat(html).contains("PREDICTION", "Mann-Whitney U").doesNotContain("<svg");
  }

  private static int count(String s, String needle) {
    int n = 0;
    for (int i = s.indexOf(needle); i >= 0; i = s.indexOf(needle, i + 1)) {
      n++;
    }
    return n;
  }
}
