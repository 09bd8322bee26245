package dev.safedeploy.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The router bench's options and its summary of rounds (the bench itself needs wrk and nginx: run by hand). */
class RouterBenchTest {

  @Test
  void roundsOutsideOneToFiftyAreRefusedByName() {
    Path home = Path.of("unused");
    for (int rounds : new int[] {0, -1, 51}) {
      assertThatThrownBy(() -> new RouterBench(new RouterBench.Options(home, 16, Duration.ofSeconds(10), false,
          rounds), System.err)).isInstanceOf(IllegalArgumentException.class)
          .hasMessage("--rounds must be in [1, 50], got " + rounds);
    }
  }

  @Test
  void theMedianOfTheRoundsIsTheMiddleOneOrTheMeanOfTheTwoMiddleOnes() {
    assertThat(RouterBench.median(List.of(1.52, 1.43, 1.31, 1.34, 1.59))).isEqualTo(1.43);
    assertThat(RouterBench.median(List.of(4.0, 1.0, 3.0, 2.0))).isEqualTo(2.5);
    assertThat(RouterBench.median(List.of(0.9))).isEqualTo(0.9);
  }
}
