package dev.safedeploy.platform.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SampleRingTest {

  @Test
  void aWindowHoldsExactlyItsSamplesOldestFirst() {
    SampleRing ring = new SampleRing(100);
    for (int i = 0; i < 10; i++) {
      ring.add(1_000 + i, 100 + i, i == 7 ? 500 : 200, i == 7 ? Double.NaN : i * 1.5);
    }
    SampleRing.Samples s = ring.between(1_003, 1_008);
    assertThat(s.atMillis()).containsExactly(1_003, 1_004, 1_005, 1_006, 1_007);
    assertThat(s.latencyMicros()).containsExactly(103, 104, 105, 106, 107);
    assertThat(s.status()).containsExactly(200, 200, 200, 200, 500);
    assertThat(s.prediction()[0]).isEqualTo(4.5);
    assertThat(s.prediction()[4]).isNaN();
    assertThat(s.truncated()).isFalse();
  }

  @Test
  void staysBoundedAndSaysWhenAWindowReachesPastWhatItHolds() {
    SampleRing ring = new SampleRing(5);
    for (int i = 0; i < 12; i++) {
      ring.add(i, i, 200, i);
    }
    assertThat(ring.written()).isEqualTo(12);
    SampleRing.Samples all = ring.between(0, 100);
    assertThat(all.atMillis()).containsExactly(7, 8, 9, 10, 11);
    assertThat(all.truncated()).isTrue();
    assertThat(ring.between(8, 100).truncated()).isFalse();
  }

  @Test
  void concurrentWritersLoseNoSampleAndTearNone() throws Exception {
    SampleRing ring = new SampleRing(100_000);
    Thread[] writers = new Thread[4];
    for (int t = 0; t < writers.length; t++) {
      int id = t;
      writers[t] = new Thread(() -> {
        for (int i = 0; i < 10_000; i++) {
          long at = id * 100_000L + i;
          ring.add(at, at * 2, 200 + id, at * 0.5);
        }
      });
      writers[t].start();
    }
    // a reader while they write sees only whole samples
    for (int r = 0; r < 20; r++) {
      SampleRing.Samples s = ring.between(0, Long.MAX_VALUE);
      for (int i = 0; i < s.size(); i++) {
        assertThat(s.latencyMicros()[i]).isEqualTo(s.atMillis()[i] * 2);
        assertThat(s.status()[i]).isEqualTo(200 + (int) (s.atMillis()[i] / 100_000));
      }
    }
    for (Thread w : writers) {
      w.join();
    }
    SampleRing.Samples all = ring.between(0, Long.MAX_VALUE);
    assertThat(all.size()).isEqualTo(40_000);
    assertThat(java.util.Arrays.stream(all.atMillis()).distinct().count()).isEqualTo(40_000);
  }

  @Test
  void aRingNeedsRoom() {
    assertThatThrownBy(() -> new SampleRing(0)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("sample ring capacity must be positive, got 0");
  }
}
