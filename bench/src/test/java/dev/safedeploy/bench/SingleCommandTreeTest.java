package dev.safedeploy.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.safedeploy.starter.CliRun;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** With every module on the classpath, as ./safedeploy runs it: one root holds every command, bench included. */
class SingleCommandTreeTest {

  @Test
  void helpListsEveryCommandAndTheExitCodes() {
    CliRun r = CliRun.run(Map.of(), "--help");
    assertThat(r.exitCode()).isZero();
    for (String c : List.of("start", "approve", "reject", "rollback", "status", "watch", "list", "history",
        "report", "retrain", "gateway", "dev", "demo", "worker", "platform", "data", "reconcile", "teardown", "bench")) {
      assertThat(r.out()).containsPattern("(?m)^  " + c + "\\s");
    }
    assertThat(r.out()).containsPattern("(?m)^  bench\\s+Benchmarks \\(throughput, alarm-to-rollback latency, "
        + "recovery\\)\\.$");
    assertThat(r.out()).contains("Exit codes:", "3  unknown run", "4  Temporal server unreachable", "5  refused");
  }

  @Test
  void benchAndDevHelpWorkThroughTheRoot() {
    CliRun bench = CliRun.run(Map.of(), "bench", "--help");
    assertThat(bench.exitCode()).as(bench.toString()).isZero();
    assertThat(bench.out()).startsWith("Usage: safedeploy bench [-hV] [COMMAND]")
        .contains("Measure the pipeline", "overhead", "concurrency", "rollback", "detection", "pipeline", "router",
            "judge");
    CliRun router = CliRun.run(Map.of(), "bench", "router", "--help");
    assertThat(router.exitCode()).isZero();
    assertThat(router.out()).startsWith("Usage: safedeploy bench router").contains("--connections");
    CliRun dev = CliRun.run(Map.of(), "dev", "--help");
    assertThat(dev.exitCode()).isZero();
    assertThat(dev.out()).startsWith("Usage: safedeploy dev");
  }

  @Test
  void benchReportsErrorsAsTheRuntimeCommandsDo() {
    CliRun unknown = CliRun.run(Map.of(), "bench", "nope");
    assertThat(unknown.exitCode()).isEqualTo(2);
    assertThat(unknown.err()).contains("Unmatched argument at index 1: 'nope'", "Did you mean: bench pipeline?");
    CliRun bad = CliRun.run(Map.of(), "bench", "overhead", "--runs", "0");
    assertThat(bad.exitCode()).as(bad.toString()).isEqualTo(1);
    assertThat(bad.err()).isEqualTo("safedeploy overhead: --runs must be in [1, 1000], got 0\n");
    CliRun duration = CliRun.run(Map.of(), "bench", "router", "--duration", "5 minutes");
    assertThat(duration.exitCode()).isEqualTo(2);
    assertThat(duration.err()).contains("--duration", "not a duration");
  }
}
