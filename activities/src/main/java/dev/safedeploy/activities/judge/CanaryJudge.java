package dev.safedeploy.activities.judge;

import dev.safedeploy.workflows.judge.JudgeMetric;
import dev.safedeploy.workflows.judge.JudgePolicy;
import dev.safedeploy.workflows.judge.JudgeRequest;
import dev.safedeploy.workflows.judge.Judgement;
import dev.safedeploy.workflows.judge.MetricJudgement;
import dev.safedeploy.workflows.judge.Quantiles;
import dev.safedeploy.workflows.judge.Verdict;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Green against blue over one window, metric by metric, scored by {@link Judgement#score}. A metric fails only when
 * its test is significant at the policy's confidence and, for latency and predictions, the difference is also larger
 * than the policy's tolerance (significance alone flags differences too small to matter once samples are many).
 */
public final class CanaryJudge {

  private CanaryJudge() {}

  /**
   * @param bluePaired blue's answers to the mirrored rows (null or empty: no shadow traffic)
   * @param greenPaired green's answers to the same rows, index by index
   */
  public static Judgement judge(JudgeRequest request, VariantData blue, VariantData green, double[] bluePaired,
      double[] greenPaired) {
    JudgePolicy policy = request.policy();
    List<MetricJudgement> out = new ArrayList<>();
    for (JudgeMetric m : policy.metrics()) {
      // Each metric keeps both sides' distributions, so the evidence can be plotted after the samples are gone.
      out.add(switch (m) {
        case ERROR_RATE -> errorRate(policy, blue, green);
        case LATENCY_P50 -> latencyP50(policy, blue, green).withQuantiles(blue.latencyMillis(), green.latencyMillis());
        case LATENCY_P99 -> latencyP99(policy, blue, green).withQuantiles(blue.latencyMillis(), green.latencyMillis());
        case PREDICTION -> prediction(policy, blue, green).withQuantiles(blue.predictions(), green.predictions());
        case PREDICTION_PAIRED -> paired(policy, bluePaired, greenPaired).withQuantiles(bluePaired, greenPaired);
      });
    }
    return Judgement.score(request, out);
  }

  static MetricJudgement errorRate(JudgePolicy policy, VariantData blue, VariantData green) {
    MetricJudgement few = tooFew(JudgeMetric.ERROR_RATE, policy, blue.requests(), green.requests(), "requests");
    if (few != null) {
      return few;
    }
    TestResult t = Proportions.compare(blue.errors(), blue.requests(), green.errors(), green.requests());
    double b = (double) blue.errors() / blue.requests();
    double g = (double) green.errors() / green.requests();
    boolean fail = t.pGreenWorse() < policy.alpha();
    return new MetricJudgement(JudgeMetric.ERROR_RATE, blue.requests(), green.requests(), t.test(), t.statistic(),
        t.pGreenWorse(), b, g, fail ? Verdict.FAIL : Verdict.PASS,
        fmt("green 5xx %.2f%% (%d/%d) vs blue %.2f%% (%d/%d), %s p=%.3g", 100 * g, green.errors(), green.requests(),
            100 * b, blue.errors(), blue.requests(), t.test(), t.pGreenWorse()));
  }

  static MetricJudgement latencyP50(JudgePolicy policy, VariantData blue, VariantData green) {
    MetricJudgement few = tooFew(JudgeMetric.LATENCY_P50, policy, blue.latencySamples(), green.latencySamples(), "requests");
    if (few != null) {
      return few;
    }
    TestResult t = RankTests.mannWhitney(blue.latencyMillis(), green.latencyMillis());
    double b = percentile(blue.latencyMillis(), 50);
    double g = percentile(green.latencyMillis(), 50);
    boolean fail = t.pGreenWorse() < policy.alpha() && slower(policy, g, b);
    return new MetricJudgement(JudgeMetric.LATENCY_P50, blue.latencySamples(), green.latencySamples(), t.test(), t.statistic(),
        t.pGreenWorse(), b, g, fail ? Verdict.FAIL : Verdict.PASS,
        fmt("green p50 %.3f ms vs blue %.3f ms (%+.0f%%, tolerance %.0f%% and %.2f ms), %s p=%.3g", g, b,
            change(g, b), 100 * policy.latencyTolerance(), policy.latencyFloorMillis(), t.test(), t.pGreenWorse()));
  }

  /** Green's share of requests slower than blue's p99, against blue's own share (about 1%). */
  static MetricJudgement latencyP99(JudgePolicy policy, VariantData blue, VariantData green) {
    MetricJudgement few = tooFew(JudgeMetric.LATENCY_P99, policy, blue.latencySamples(), green.latencySamples(), "requests");
    if (few != null) {
      return few;
    }
    double b = percentile(blue.latencyMillis(), 99);
    double g = percentile(green.latencyMillis(), 99);
    long blueAbove = Arrays.stream(blue.latencyMillis()).filter(v -> v > b).count();
    long greenAbove = Arrays.stream(green.latencyMillis()).filter(v -> v > b).count();
    TestResult t = Proportions.compare(blueAbove, blue.latencySamples(), greenAbove, green.latencySamples());
    boolean fail = t.pGreenWorse() < policy.alpha() && slower(policy, g, b);
    return new MetricJudgement(JudgeMetric.LATENCY_P99, blue.latencySamples(), green.latencySamples(), t.test(), t.statistic(),
        t.pGreenWorse(), b, g, fail ? Verdict.FAIL : Verdict.PASS,
        fmt("green p99 %.3f ms vs blue %.3f ms (%+.0f%%, tolerance %.0f%% and %.2f ms); %.1f%% of green slower than"
                + " blue's p99 vs %.1f%%, %s p=%.3g", g, b, change(g, b), 100 * policy.latencyTolerance(),
            policy.latencyFloorMillis(),
            100.0 * greenAbove / green.latencySamples(), 100.0 * blueAbove / blue.latencySamples(), t.test(), t.pGreenWorse()));
  }

  static MetricJudgement prediction(JudgePolicy policy, VariantData blue, VariantData green) {
    int nb = blue.predictions().length;
    int ng = green.predictions().length;
    MetricJudgement few = tooFew(JudgeMetric.PREDICTION, policy, nb, ng, "answers");
    if (few != null) {
      return few;
    }
    TestResult t = RankTests.mannWhitney(blue.predictions(), green.predictions());
    double b = percentile(blue.predictions(), 50);
    double g = percentile(green.predictions(), 50);
    boolean fail = t.pTwoSided() < policy.alpha() && Math.abs(g - b) >= policy.predictionTolerance() * Math.abs(b);
    return new MetricJudgement(JudgeMetric.PREDICTION, nb, ng, t.test(), t.statistic(), t.pTwoSided(), b, g,
        fail ? Verdict.FAIL : Verdict.PASS,
        fmt("green median answer %.4g vs blue %.4g (%+.1f%%, tolerance %.1f%%), %s two-sided p=%.3g", g, b,
            change(g, b), 100 * policy.predictionTolerance(), t.test(), t.pTwoSided()));
  }

  static MetricJudgement paired(JudgePolicy policy, double[] blue, double[] green) {
    int n = blue == null ? 0 : blue.length;
    if (n == 0) {
      return MetricJudgement.inconclusive(JudgeMetric.PREDICTION_PAIRED, 0, 0,
          "no mirrored pairs (neither a shadow bake nor a paired canary in this window)");
    }
    MetricJudgement few = tooFew(JudgeMetric.PREDICTION_PAIRED, policy, n, green.length, "mirrored pairs");
    if (few != null) {
      return few;
    }
    double[] absDiff = new double[n];
    for (int i = 0; i < n; i++) {
      absDiff[i] = Math.abs(green[i] - blue[i]);
    }
    double b = percentile(blue, 50);
    double d = percentile(absDiff, 50);
    double tolerance = policy.predictionTolerance() * Math.abs(b);
    // two ways to answer differently on the same rows: a shift to one side (signed-rank), or rows that disagree by
    // more than the tolerance in either direction (sign test on |difference|), which a shift-free noisier model shows
    TestResult shift = RankTests.wilcoxonPaired(blue, green);
    TestResult spread = RankTests.signTestAbove(absDiff, tolerance);
    boolean shifted = shift.pTwoSided() < policy.alpha() && d >= tolerance;
    boolean spreadOut = spread.pTwoSided() < policy.alpha();
    TestResult t = spreadOut && !shifted ? spread : shift;
    String detail = fmt("median |green − blue| %.4g on %d mirrored rows (blue median %.4g, tolerance %.1f%%), "
        + "%s two-sided p=%.3g; %d of %d rows beyond the tolerance, %s p=%.3g", d, n, b,
        100 * policy.predictionTolerance(), shift.test(), shift.pTwoSided(), (int) spread.statistic(), n,
        spread.test(), spread.pTwoSided());
    return new MetricJudgement(JudgeMetric.PREDICTION_PAIRED, n, green.length, t.test(), t.statistic(),
        t.pTwoSided(), b, percentile(green, 50), shifted || spreadOut ? Verdict.FAIL : Verdict.PASS, detail);
  }

  /** Slower than blue by more than the tolerance and by more than the floor: a difference that matters. */
  private static boolean slower(JudgePolicy policy, double green, double blue) {
    return green > blue * (1 + policy.latencyTolerance()) && green - blue > policy.latencyFloorMillis();
  }

  private static MetricJudgement tooFew(JudgeMetric m, JudgePolicy policy, long blue, long green, String what) {
    if (blue >= policy.minSamples() && green >= policy.minSamples()) {
      return null;
    }
    return MetricJudgement.inconclusive(m, blue, green, fmt("too few %s: blue %d, green %d (minimum %d each)", what,
        blue, green, policy.minSamples()));
  }

  /** Nearest-rank percentile (p in (0, 100]). */
  static double percentile(double[] values, double p) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    return Quantiles.nearestRank(sorted, p);
  }

  private static double change(double green, double blue) {
    return blue == 0 ? 0 : 100 * (green - blue) / Math.abs(blue);
  }

  private static String fmt(String format, Object... args) {
    return String.format(Locale.ROOT, format, args);
  }
}
