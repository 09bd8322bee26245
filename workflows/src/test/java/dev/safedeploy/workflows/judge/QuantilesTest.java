package dev.safedeploy.workflows.judge;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class QuantilesTest {

  @Test
  void nearestRankQuantilesFromMinimumToMaximum() {
    double[] samples = new double[101];
    for (int i = 0; i <= 100; i++) {
      samples[i] = 100 - i; // unsorted on purpose
    }
    Quantiles q = Quantiles.of(samples);
    assertThat(q.count()).isEqualTo(101);
    assertThat(q.values()).hasSize(Quantiles.STEPS + 1);
    assertThat(q.values().get(0)).isEqualTo(0.0);
    assertThat(q.values().get(10)).isEqualTo(50.0);
    assertThat(q.values().get(20)).isEqualTo(100.0);
    assertThat(q.values()).isSorted();
    assertThat(samples[0]).as("input untouched").isEqualTo(100.0);
  }

  @Test
  void noSamplesNoDistribution() {
    assertThat(Quantiles.of(new double[0])).isNull();
    assertThat(Quantiles.of(null)).isNull();
    assertThat(Quantiles.of(new double[] {7}).values()).containsOnly(7.0);
  }
}
