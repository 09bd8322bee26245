package dev.safedeploy.activities.judge;

import org.apache.commons.statistics.inference.AlternativeHypothesis;
import org.apache.commons.statistics.inference.BinomialTest;
import org.apache.commons.statistics.inference.ContinuityCorrection;
import org.apache.commons.statistics.inference.MannWhitneyUTest;
import org.apache.commons.statistics.inference.PValueMethod;
import org.apache.commons.statistics.inference.WilcoxonSignedRankTest;

/**
 * Rank tests of green against blue, as Kayenta's judge uses them: no assumption on the shape of latency or prediction
 * distributions. Both use the normal approximation with tie and continuity correction (the judge always has at least
 * the policy's minimum samples, where exact distributions buy nothing and ties, from rounded latencies, are common).
 */
public final class RankTests {
  private static final MannWhitneyUTest MANN_WHITNEY = MannWhitneyUTest.withDefaults()
      .with(PValueMethod.ASYMPTOTIC).with(ContinuityCorrection.ENABLED);
  private static final WilcoxonSignedRankTest WILCOXON = WilcoxonSignedRankTest.withDefaults()
      .with(PValueMethod.ASYMPTOTIC).with(ContinuityCorrection.ENABLED);

  private static final BinomialTest SIGN = BinomialTest.withDefaults().with(AlternativeHypothesis.GREATER_THAN);

  private RankTests() {}

  /** Mann-Whitney U of two independent samples; statistic is green's U, "worse" means green tends to be larger. */
  public static TestResult mannWhitney(double[] blue, double[] green) {
    check("blue", blue, 1);
    check("green", green, 1);
    double twoSided = MANN_WHITNEY.with(AlternativeHypothesis.TWO_SIDED).test(green, blue).getPValue();
    MannWhitneyUTest.Result greater = MANN_WHITNEY.with(AlternativeHypothesis.GREATER_THAN).test(green, blue);
    return new TestResult("Mann-Whitney U", greater.getStatistic(), twoSided, greater.getPValue());
  }

  /**
   * Wilcoxon signed-rank of paired samples (blue[i] and green[i] answered the same request); zero differences are
   * dropped. Statistic is W+, the rank sum of the rows where green is larger.
   */
  public static TestResult wilcoxonPaired(double[] blue, double[] green) {
    check("blue", blue, 1);
    check("green", green, 1);
    if (blue.length != green.length) {
      throw new IllegalArgumentException("paired samples need equal lengths, got blue " + blue.length + " and green "
          + green.length);
    }
    double[] diff = new double[blue.length];
    int nonZero = 0;
    for (int i = 0; i < blue.length; i++) {
      double d = green[i] - blue[i];
      if (d != 0) {
        diff[nonZero++] = d;
      }
    }
    if (nonZero == 0) {
      // green answered exactly as blue on every row: nothing to rank, no evidence of a difference
      return new TestResult("Wilcoxon signed-rank", 0, 1, 1);
    }
    double[] d = java.util.Arrays.copyOf(diff, nonZero);
    double twoSided = WILCOXON.with(AlternativeHypothesis.TWO_SIDED).test(d).getPValue();
    WilcoxonSignedRankTest.Result greater = WILCOXON.with(AlternativeHypothesis.GREATER_THAN).test(d);
    return new TestResult("Wilcoxon signed-rank", greater.getStatistic(), twoSided, greater.getPValue());
  }

  /**
   * Sign test that the typical pair differs by more than {@code threshold}: H0 is that at most half of the rows have
   * |green − blue| above it (the median absolute difference is within it); rows exactly at it are dropped.
   * Statistic is the number of rows above. Unlike the signed-rank test it sees a green that is noisier without being
   * biased, whose differences sit on both sides of zero. "Two-sided" p is the same one-sided p: only "above" fails.
   */
  public static TestResult signTestAbove(double[] absDiff, double threshold) {
    check("differences", absDiff, 1);
    int above = 0;
    int trials = 0;
    for (double d : absDiff) {
      if (d > threshold) {
        above++;
        trials++;
      } else if (d < threshold) {
        trials++;
      }
    }
    if (trials == 0) {
      return new TestResult("sign test of |green − blue| > tolerance", 0, 1, 1);
    }
    double p = SIGN.test(trials, above, 0.5).getPValue();
    return new TestResult("sign test of |green − blue| > tolerance", above, p, p);
  }

  static void check(String name, double[] sample, int min) {
    if (sample == null || sample.length < min) {
      throw new IllegalArgumentException(name + " needs at least " + min + " sample" + (min == 1 ? "" : "s")
          + ", got " + (sample == null ? 0 : sample.length));
    }
    for (int i = 0; i < sample.length; i++) {
      if (!Double.isFinite(sample[i])) {
        throw new IllegalArgumentException(name + "[" + i + "] is not a finite number: " + sample[i]);
      }
    }
  }
}
