package dev.safedeploy.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class StatsAndReportTest {

  @Test
  void nearestRankPercentiles() {
    Stats s = Stats.of(List.of(5, 1, 4, 2, 3, 10, 9, 8, 7, 6));
    assertThat(s.p50()).isEqualTo(5);
    assertThat(s.percentile(90)).isEqualTo(9);
    assertThat(s.p99()).isEqualTo(10);
    assertThat(s.min()).isEqualTo(1);
    assertThat(s.max()).isEqualTo(10);
    assertThat(s.mean()).isEqualTo(5.5);
    assertThat(Stats.of(List.of()).p50()).isNaN();
    assertThat(Stats.of(42.0).p99()).isEqualTo(42);
  }

  @Test
  void percentilesOfMillisecondTimingsHoldThreeSignificantDigits() {
    double[] samples = new double[1000];
    for (int i = 0; i < samples.length; i++) {
      samples[i] = 0.5 + i * 1.237; // 0.5 .. 1236.3 ms
    }
    Stats s = Stats.of(samples);
    assertThat(s.count()).isEqualTo(1000);
    assertThat(s.p50()).isCloseTo(samples[499], org.assertj.core.data.Percentage.withPercentage(0.1));
    assertThat(s.p99()).isCloseTo(samples[989], org.assertj.core.data.Percentage.withPercentage(0.1));
    assertThat(s.percentile(100)).isEqualTo(s.max()).isEqualTo(samples[999]);
    assertThat(s.percentile(0)).isEqualTo(s.min()).isEqualTo(0.5);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> Stats.of(1.0, -2.0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("-2.0");
  }

  @Test
  void reportPrintsATableAndOneJsonLine() {
    BenchReport r = new BenchReport("demo").put("runs", 3).put("p50Millis", 1.23456).note("a note");
    assertThat(r.json()).isEqualTo("{\"bench\":\"demo\",\"runs\":3,\"p50Millis\":1.235,\"notes\":[\"a note\"]}");
    assertThat(r.table()).contains("bench demo").contains("p50Millis  1.235").contains("note: a note");
  }
}
