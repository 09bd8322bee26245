package dev.safedeploy.activities.judge;

import org.apache.commons.statistics.distribution.NormalDistribution;
import org.apache.commons.statistics.inference.AlternativeHypothesis;
import org.apache.commons.statistics.inference.FisherExactTest;

/**
 * Error rates of green against blue: the pooled two-proportion z test, or Fisher's exact test when a cell of the 2×2
 * table expects fewer than {@value #MIN_EXPECTED} counts (where the normal approximation is poor; error counts are
 * usually small).
 */
public final class Proportions {
  static final double MIN_EXPECTED = 5;
  private static final NormalDistribution STANDARD = NormalDistribution.of(0, 1);
  private static final FisherExactTest FISHER = FisherExactTest.withDefaults();

  private Proportions() {}

  public static TestResult compare(long blueErrors, long blueTotal, long greenErrors, long greenTotal) {
    check("blue", blueErrors, blueTotal);
    check("green", greenErrors, greenTotal);
    double n = blueTotal + greenTotal;
    double errors = blueErrors + greenErrors;
    double minExpected = Math.min(errors, n - errors) * Math.min(blueTotal, greenTotal) / n;
    if (minExpected < MIN_EXPECTED) {
      if (blueTotal + greenTotal > Integer.MAX_VALUE) {
        throw new IllegalArgumentException("too many samples for Fisher's exact test: " + (long) n);
      }
      int[][] table = {
          {(int) greenErrors, (int) (greenTotal - greenErrors)},
          {(int) blueErrors, (int) (blueTotal - blueErrors)}};
      double twoSided = FISHER.with(AlternativeHypothesis.TWO_SIDED).test(table).getPValue();
      double greater = FISHER.with(AlternativeHypothesis.GREATER_THAN).test(table).getPValue();
      return new TestResult("Fisher exact", greenErrors, twoSided, greater);
    }
    double pGreen = (double) greenErrors / greenTotal;
    double pBlue = (double) blueErrors / blueTotal;
    double pooled = errors / n;
    double z = (pGreen - pBlue) / Math.sqrt(pooled * (1 - pooled) * (1.0 / greenTotal + 1.0 / blueTotal));
    return new TestResult("two-proportion z", z, Math.min(1, 2 * STANDARD.survivalProbability(Math.abs(z))),
        STANDARD.survivalProbability(z));
  }

  private static void check(String name, long errors, long total) {
    if (total < 1) {
      throw new IllegalArgumentException(name + " needs at least 1 request, got " + total);
    }
    if (errors < 0 || errors > total) {
      throw new IllegalArgumentException(name + " errors must be in [0, " + total + "], got " + errors);
    }
  }
}
