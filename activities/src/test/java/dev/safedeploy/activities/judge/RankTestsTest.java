package dev.safedeploy.activities.judge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/**
 * Reference values from SciPy 1.17.1: {@code mannwhitneyu(green, blue, method="asymptotic", use_continuity=True)} and
 * {@code wilcoxon(y, x, method="approx", zero_method="wilcox", correction=True)}.
 */
class RankTestsTest {
  // latency-like samples in ms, rounded to 0.1 (many ties); green drawn with a slightly larger log-mean
  static final double[] BLUE = {1.0, 1.1, 0.9, 0.8, 0.9, 0.7, 1.0, 1.5, 0.9, 0.8, 1.2, 1.1, 1.0, 0.8, 1.0, 1.2, 0.7,
      0.9, 0.6, 0.7, 0.6, 0.9, 0.7, 1.1, 1.0, 0.9, 0.5, 0.9, 1.0, 1.0, 0.6, 0.9, 0.7, 0.8, 1.4, 0.8, 1.0, 1.3, 0.8, 1.0,
      1.0, 1.0, 0.7, 1.0, 1.5, 0.6, 1.3, 1.0, 0.8, 1.8, 1.3, 0.7, 1.0, 1.2, 0.9, 1.2, 1.0, 1.2, 1.5, 0.8};
  static final double[] GREEN = {1.2, 1.0, 1.2, 0.8, 0.9, 1.1, 1.5, 1.6, 0.8, 0.9, 1.4, 0.6, 1.0, 1.1, 1.6, 1.4, 1.0,
      1.0, 1.0, 1.8, 1.0, 1.0, 1.3, 1.1, 1.1, 0.8, 1.1, 1.0, 1.6, 1.4, 1.1, 1.4, 1.0, 1.5, 1.1, 1.3, 0.8, 1.3, 0.7, 0.6,
      1.0, 0.9, 1.2, 2.2, 0.9, 0.9, 1.2, 1.3, 1.1, 1.1, 1.4, 1.3, 0.8, 1.1, 1.1};

  // paired predictions on the same rows (two of them answered identically)
  static final double[] X = {14.73, 21.3, 15.71, 24.86, 20.96, 20.45, 17.04, 19.41, 10.01, 14.34, 21.81, 9.36, 24.23,
      11.27, 23.78, 15.77, 23.89, 20.65, 12.32, 26.25, 27.21, 19.67, 18.63, 19.2, 15.12, 25.49, 17.29, 19.74, 16.03,
      16.87, 13.61, 26.29, 19.23, 24.83, 20.07, 16.53, 18.37, 17.2, 20.04, 18.12};
  static final double[] Y = {14.83, 20.32, 15.3, 24.86, 20.69, 19.8, 17.78, 21.22, 8.96, 14.53, 21.81, 8.0, 25.36,
      11.65, 24.25, 15.42, 24.74, 20.51, 12.58, 25.54, 26.39, 21.41, 18.52, 19.89, 15.49, 25.45, 17.18, 20.77, 16.13,
      17.12, 14.03, 27.87, 20.31, 25.61, 19.91, 15.55, 19.72, 18.57, 20.3, 19.06};

  @Test
  void mannWhitneyMatchesScipyWithTiesAndContinuityCorrection() {
    TestResult r = RankTests.mannWhitney(BLUE, GREEN);
    assertThat(r.statistic()).isEqualTo(2237.0);
    assertThat(r.pTwoSided()).isCloseTo(0.0009273151321688775, within(1e-12));
    assertThat(r.pGreenWorse()).isCloseTo(0.00046365756608443873, within(1e-12));
  }

  @Test
  void mannWhitneyOneSidedLooksOnlyAtGreenBeingLarger() {
    // the same samples the other way round: green is the faster one, so "green worse" is far from significant
    TestResult r = RankTests.mannWhitney(GREEN, BLUE);
    assertThat(r.pGreenWorse()).isCloseTo(0.9995456130266708, within(1e-12));
    assertThat(r.pTwoSided()).isCloseTo(0.0009273151321688775, within(1e-12));
  }

  @Test
  void wilcoxonPairedMatchesScipyDroppingZeroDifferences() {
    TestResult r = RankTests.wilcoxonPaired(X, Y);
    assertThat(r.statistic()).isEqualTo(494.0);
    assertThat(r.pTwoSided()).isCloseTo(0.07445181255819774, within(1e-12));
    assertThat(r.pGreenWorse()).isCloseTo(0.03722590627909887, within(1e-12));
  }

  @Test
  void identicalPairedAnswersAreNoEvidence() {
    TestResult r = RankTests.wilcoxonPaired(X, X.clone());
    assertThat(r.pTwoSided()).isEqualTo(1.0);
    assertThat(r.pGreenWorse()).isEqualTo(1.0);
  }

  @Test
  void signTestAboveIsTheExactBinomialTailDroppingRowsAtTheThreshold() {
    // 8 of 10 rows above 1.0, 2 below, 2 exactly at it (dropped): P(X >= 8 | n = 10, p = 1/2) = 56 / 1024
    double[] diffs = {2, 3, 1.5, 4, 0.1, 9, 1.1, 0.2, 5, 6, 1.0, 1.0};
    TestResult r = RankTests.signTestAbove(diffs, 1.0);
    assertThat(r.statistic()).isEqualTo(8.0);
    assertThat(r.pTwoSided()).isCloseTo(56.0 / 1024, within(1e-12));
    assertThat(RankTests.signTestAbove(new double[] {0, 0, 0}, 0).pTwoSided()).isEqualTo(1.0);
    assertThat(RankTests.signTestAbove(new double[] {0, 0, 0}, 0.5).pTwoSided()).isEqualTo(1.0);
  }

  @Test
  void badInputIsRefusedClearly() {
    assertThatThrownBy(() -> RankTests.mannWhitney(new double[0], GREEN))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("blue needs at least 1 sample, got 0");
    assertThatThrownBy(() -> RankTests.mannWhitney(BLUE, new double[] {1, Double.NaN}))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("green[1] is not a finite number: NaN");
    assertThatThrownBy(() -> RankTests.wilcoxonPaired(X, GREEN))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("equal lengths");
  }
}
