package dev.safedeploy.activities.judge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/**
 * Reference values from SciPy 1.17.1: the pooled z statistic with {@code norm.sf}, and
 * {@code fisher_exact([[greenErrors, greenOk], [blueErrors, blueOk]], alternative=...)}.
 */
class ProportionsTest {

  @Test
  void zTestWhenEveryCellExpectsEnough() {
    TestResult r = Proportions.compare(40, 1800, 12, 200);
    assertThat(r.test()).isEqualTo("two-proportion z");
    assertThat(r.statistic()).isCloseTo(3.1849785199959517, within(1e-12));
    assertThat(r.pTwoSided()).isCloseTo(0.0014476475305193678, within(1e-12));
    assertThat(r.pGreenWorse()).isCloseTo(0.0007238237652596839, within(1e-12));

    TestResult near = Proportions.compare(200, 4500, 30, 500);
    assertThat(near.test()).isEqualTo("two-proportion z");
    assertThat(near.pTwoSided()).isCloseTo(0.11520779582131166, within(1e-12));
    assertThat(near.pGreenWorse()).isCloseTo(0.05760389791065583, within(1e-12));
  }

  @Test
  void fisherExactForSmallCounts() {
    TestResult r = Proportions.compare(2, 540, 3, 60);
    assertThat(r.test()).isEqualTo("Fisher exact");
    assertThat(r.pGreenWorse()).isCloseTo(0.008236508704393516, within(1e-12));
    assertThat(r.pTwoSided()).isCloseTo(0.008236508704393516, within(1e-12));

    TestResult none = Proportions.compare(1, 700, 0, 80);
    assertThat(none.test()).isEqualTo("Fisher exact");
    assertThat(none.pGreenWorse()).isEqualTo(1.0);
  }

  @Test
  void noErrorsAnywhereIsNoEvidence() {
    TestResult r = Proportions.compare(0, 1800, 0, 200);
    assertThat(r.pGreenWorse()).isEqualTo(1.0);
    assertThat(r.pTwoSided()).isEqualTo(1.0);
  }

  @Test
  void badCountsAreRefusedClearly() {
    assertThatThrownBy(() -> Proportions.compare(0, 0, 0, 10)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("blue needs at least 1 request, got 0");
    assertThatThrownBy(() -> Proportions.compare(0, 10, 11, 10)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("green errors must be in [0, 10], got 11");
  }
}
