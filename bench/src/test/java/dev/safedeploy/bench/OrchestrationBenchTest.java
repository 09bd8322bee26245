package dev.safedeploy.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.safedeploy.worker.temporal.RealTemporal;
import dev.safedeploy.worker.temporal.TemporalServers;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The orchestration benches, tiny: they run whole pipelines for real and report consistent figures. */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class OrchestrationBenchTest {

  @ParameterizedTest
  @EnumSource(value = TemporalServers.Mode.class, names = {"CLI", "EMBEDDED"})
  void overheadRunsWholePipelinesAgainstTheInstantBackend(TemporalServers.Mode server) throws Exception {
    if (server == TemporalServers.Mode.CLI) {
      RealTemporal.cli();
    }
    BenchReport r = new OverheadBench(2, 1, server).run();
    assertThat((String) r.get("server")).startsWith(server == TemporalServers.Mode.CLI ? "Temporal dev server"
        : "embedded");
    assertThat(r.get("runs")).isEqualTo(2);
    // + the judge, + deleting blue's canary alarms, + the paired canary's start and stop, + deleting the retired
    // blue's model once the (zero-length) watch window is over
    assertThat(r.get("activitiesPerRun")).isEqualTo(27);
    double wall = (Double) r.get("wallMillisP50");
    double overhead = (Double) r.get("overheadMillisP50");
    double inActivities = (Double) r.get("activityMillisSumP50");
    assertThat(overhead).isPositive().isLessThanOrEqualTo(wall);
    assertThat(inActivities).isLessThan(wall);
    assertThat(r.figures()).containsKeys("gapBefore.train.millisP50", "gapBefore.shiftTraffic.millisP50");
  }

  @ParameterizedTest
  @EnumSource(value = TemporalServers.Mode.class, names = {"CLI", "EMBEDDED"})
  void concurrencyParksRunsAtApprovalThenApprovesThemAll(TemporalServers.Mode server) throws Exception {
    if (server == TemporalServers.Mode.CLI) {
      RealTemporal.cli();
    }
    BenchReport r = new ConcurrencyBench(5, server, Duration.ofSeconds(1), 2).run();
    assertThat(r.get("bakeMillis")).isEqualTo(1000L);
    assertThat(r.get("approvers")).isEqualTo(2);
    assertThat(r.get("promoted")).isEqualTo(5);
    assertThat(r.get("reactionNotNotifyApproved")).isEqualTo(0L);
    assertThat((Double) r.get("reactionMillisP50")).isPositive();
  }

  @Test
  void boundsAreChecked() {
    assertThatThrownBy(() -> new OverheadBench(0, 0, TemporalServers.Mode.EMBEDDED)).hasMessageContaining("--runs");
    assertThatThrownBy(() -> new ConcurrencyBench(100_000, TemporalServers.Mode.EMBEDDED))
        .hasMessageContaining("--runs");
    assertThatThrownBy(() -> new ConcurrencyBench(5, TemporalServers.Mode.EMBEDDED, Duration.ofHours(1), 8))
        .hasMessageContaining("--bake");
    assertThatThrownBy(() -> new ConcurrencyBench(5, TemporalServers.Mode.EMBEDDED, Duration.ZERO, 0))
        .hasMessageContaining("--approvers");
  }
}
