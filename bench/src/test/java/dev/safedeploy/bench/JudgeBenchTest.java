package dev.safedeploy.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintStream;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

class JudgeBenchTest {

  @Test
  void badOptionsAreRefusedClearly() {
    PrintStream quiet = new PrintStream(PrintStream.nullOutputStream());
    assertThatThrownBy(() -> new JudgeBench(new JudgeBench.Options(Path.of("x"), 0, 1000, 10, 1000, 1.15, 2), quiet))
        .hasMessage("--runs must be in [1, 1000], got 0");
    assertThatThrownBy(() -> new JudgeBench(new JudgeBench.Options(Path.of("x"), 1, 10, 10, 1000, 1.15, 2), quiet))
        .hasMessage("--requests must be in [100, 100000], got 10");
    assertThatThrownBy(() -> new JudgeBench(new JudgeBench.Options(Path.of("x"), 1, 1000, 60, 1000, 1.15, 2), quiet))
        .hasMessage("--green-percent must be in [1, 50], got 60");
    assertThatThrownBy(() -> new JudgeBench(new JudgeBench.Options(Path.of("x"), 1, 1000, 10, 1000, 0.9, 2), quiet))
        .hasMessage("--worse-rmse must be in (1, 3], got 0.9");
  }

  @Test
  @Timeout(300)
  void oneRoundOnTheRealPlatformReportsEveryFigure(@TempDir Path home) throws Exception {
    BenchReport r = new JudgeBench(new JudgeBench.Options(home, 1, 400, 10, 5_000, 1.15, 2),
        new PrintStream(PrintStream.nullOutputStream())).run();
    assertThat(r.figures()).containsKeys("worseCaughtRate", "sameFalseRollbackRate", "shadowWorseCaughtRate",
        "shadowSameFalseRollbackRate", "blueP99MillisWithShadow", "shadowAddsP99Millis", "mirroredCopies",
        "pairedWorseCaughtRate", "pairedSameFalseRollbackRate", "pairedWorseMarginalRate", "pairsPerBakeP50",
        "blueP99MillisWithPairing", "pairingAddsP99Millis");
    // the paired canary: every row green served at 10% has blue's answer beside it (about 40 of 400 here)
    assertThat((double) r.get("pairsPerBakeP50")).isBetween(10.0, 100.0);
    assertThat((double) r.get("worseRmseIncreasePercent")).isPositive();
    // every mirrored copy of the shadow bakes landed: 400 per shadow bake, two per run, plus the two warm-ups
    assertThat((long) r.get("mirroredCopies")).isGreaterThanOrEqualTo(4 * 400);
    assertThat(r.get("mirrorsDropped")).isEqualTo(0L);
    assertThat((double) r.get("shadowPairsP50")).isEqualTo(400.0);
  }
}
