package dev.safedeploy.bench;

import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code safedeploy bench <name> [--json]}: each benchmark is bounded in time and count and stops by itself. */
@Command(name = "bench", mixinStandardHelpOptions = true,
    header = "Benchmarks (throughput, alarm-to-rollback latency, recovery).", description = "Measure the pipeline: overhead, concurrency, rollback, detection, pipeline, "
    + "router, judge; code: JMH microbenchmarks. Prints a table, or one JSON line with --json.",
    subcommands = {BenchCommand.Overhead.class, BenchCommand.Concurrency.class, BenchCommand.Rollback.class,
        BenchCommand.Detection.class, BenchCommand.Pipeline.class, BenchCommand.Router.class,
        BenchCommand.Judge.class, BenchCommand.Code.class})
public final class BenchCommand implements Callable<Integer> {

  @Override
  public Integer call() {
    System.err.println("safedeploy bench: name a benchmark: overhead, concurrency, rollback, detection, pipeline, "
        + "router, judge, code");
    return 2;
  }

  /** Shared by every benchmark: prints the report one way or the other. */
  abstract static class Bench implements Callable<Integer> {
    @Option(names = "--json", description = "One JSON line on stdout instead of the table")
    boolean json;

    @Option(names = "--server", paramLabel = "auto|cli|embedded",
        description = "Temporal server: the temporal CLI's dev server (cli), the embedded Java test server "
            + "(embedded), or the CLI when found (auto, the default)")
    dev.safedeploy.worker.temporal.TemporalServers.Mode server = dev.safedeploy.worker.temporal.TemporalServers.Mode.AUTO;

    abstract BenchReport measure() throws Exception;

    @Override
    public Integer call() throws Exception {
      BenchReport report = measure();
      System.out.println(json ? report.json() : report.table());
      return 0;
    }
  }

  @Command(name = "overhead", mixinStandardHelpOptions = true, description = "Whole pipelines with instant activities: wall "
      + "time vs time in activities.")
  static final class Overhead extends Bench {
    @Option(names = "--runs", description = "Measured runs (default: ${DEFAULT-VALUE})")
    int runs = 20;

    @Option(names = "--warmup", description = "Unmeasured runs first (default: ${DEFAULT-VALUE})")
    int warmup = 3;

    @Override
    BenchReport measure() throws Exception {
      return new OverheadBench(runs, warmup, server).run();
    }
  }

  @Command(name = "concurrency", mixinStandardHelpOptions = true, description = "N pipelines waiting at approval on one worker; heap; then approve "
      + "all and time approval -> reaction.")
  static final class Concurrency extends Bench {
    @Option(names = "--runs", description = "Pipelines started at once (default: ${DEFAULT-VALUE})")
    int runs = 1000;

    @Option(names = "--bake", converter = dev.safedeploy.starter.cli.Durations.class,
        description = "Each canary bake after approval; 0: every approved run deploys at once, inside the approval "
            + "burst (default: ${DEFAULT-VALUE})")
    Duration bake = Duration.ZERO;

    @Option(names = "--approvers", description = "Client threads sending the approvals at once (default: "
        + "${DEFAULT-VALUE})")
    int approvers = 32;

    @Override
    BenchReport measure() throws InterruptedException {
      return new ConcurrencyBench(runs, server, bake, approvers).run();
    }
  }

  /** Broken canaries on the local platform; rollback and detection read different figures from the same runs. */
  abstract static class CanaryBench extends Bench {
    private final String mode;

    @Option(names = "--runs", description = "Broken canaries (default: ${DEFAULT-VALUE})")
    int runs;

    @Option(names = "--trips", description = "Synthetic trips for training (default: ${DEFAULT-VALUE})")
    long trips = 10_000;

    @Option(names = "--alarm-period", converter = dev.safedeploy.starter.cli.Durations.class,
        description = "Period of the canary alarms (default: ${DEFAULT-VALUE})")
    Duration alarmPeriod;

    @Option(names = "--rate", description = "Live traffic, requests/s (default: ${DEFAULT-VALUE})")
    int rate = 50;

    @Option(names = "--home", description = "Scratch directory, wiped first (default: ${DEFAULT-VALUE})")
    java.nio.file.Path home;

    CanaryBench(String mode, int runs, Duration alarmPeriod) {
      this.mode = mode;
      this.runs = runs;
      this.alarmPeriod = alarmPeriod;
      this.home = java.nio.file.Path.of(".safedeploy/bench/" + mode);
    }

    @Override
    BenchReport measure() throws Exception {
      return new CanaryRollbackBench(new CanaryRollbackBench.Options(home, runs, trips, alarmPeriod, rate),
          System.err).run(mode);
    }
  }

  @Command(name = "rollback", mixinStandardHelpOptions = true, description = "Broken canaries on the local platform rolled back by their alarm: alarm "
      + "-> router serves 100%% blue, p50/p99/max, cross-checked by a client polling the router.")
  static final class Rollback extends CanaryBench {
    Rollback() {
      super("rollback", 50, Duration.ofSeconds(1));
    }
  }

  @Command(name = "detection", mixinStandardHelpOptions = true, description = "A broken canary starts serving: time until its alarm fires, against "
      + "the alarm period.")
  static final class Detection extends CanaryBench {
    Detection() {
      super("detection", 10, Duration.ofSeconds(5));
    }
  }

  @Command(name = "pipeline", mixinStandardHelpOptions = true, description = "The full local pipeline on N synthetic trips, bakes excluded, "
      + "per-stage times.")
  static final class Pipeline extends Bench {
    @Option(names = "--trips", description = "Synthetic trips (default: ${DEFAULT-VALUE})")
    long trips = 1_000_000;

    @Option(names = "--home", description = "Scratch directory, wiped first (default: ${DEFAULT-VALUE})")
    java.nio.file.Path home = java.nio.file.Path.of(".safedeploy/bench/pipeline");

    @Override
    BenchReport measure() throws Exception {
      return new PipelineBench(new PipelineBench.Options(home, trips), System.err).run();
    }
  }

  @Command(name = "router", mixinStandardHelpOptions = true, description = "Router at 90/10 vs a model server called directly vs nginx split_clients "
      + "90/10 (wrk when installed).")
  static final class Router extends Bench {
    @Option(names = "--connections", description = "Concurrent connections (default: ${DEFAULT-VALUE})")
    int connections = 16;

    @Option(names = "--duration", converter = dev.safedeploy.starter.cli.Durations.class,
        description = "Load per target (default: ${DEFAULT-VALUE})")
    Duration duration = Duration.ofSeconds(10);

    @Option(names = "--rounds", description = "Router and nginx measured this many times each, alternating which "
        + "goes first; medians reported (default: ${DEFAULT-VALUE})")
    int rounds = 5;

    @Option(names = "--no-install", negatable = false, description = "Do not apt-get nginx/wrk when missing")
    boolean noInstall;

    @Option(names = "--home", description = "Scratch directory, wiped first (default: ${DEFAULT-VALUE})")
    java.nio.file.Path home = java.nio.file.Path.of(".safedeploy/bench/router");

    @Override
    BenchReport measure() throws Exception {
      return new RouterBench(new RouterBench.Options(home, connections, duration, !noInstall, rounds), System.err).run();
    }
  }

  @Command(name = "judge", mixinStandardHelpOptions = true, description = "The canary judge on the local platform: a green "
      + "identical to blue and a subtly worse one (about +15%% RMSE, no errors), each at 10%% for many bakes with the "
      + "paired canary, and in shadow bakes: catch rate, false-rollback rate, pairs per bake, the mirrors' cost.")
  static final class Judge extends Bench {
    @Option(names = "--runs", description = "Bakes per green (default: ${DEFAULT-VALUE})")
    int runs = 50;

    @Option(names = "--requests", description = "Live requests per bake, both variants (default: ${DEFAULT-VALUE})")
    int requests = 1000;

    @Option(names = "--green-percent", description = "Green's traffic share (default: ${DEFAULT-VALUE})")
    int greenPercent = 10;

    @Option(names = "--worse-rmse", description = "The worse green's validation RMSE over blue's (default: "
        + "${DEFAULT-VALUE})")
    double worseRmse = 1.15;

    @Option(names = "--trips", description = "Synthetic trips for training (default: ${DEFAULT-VALUE})")
    long trips = 20_000;

    @Option(names = "--threads", description = "Client threads sending the traffic (default: ${DEFAULT-VALUE})")
    int threads = 2;

    @Option(names = "--home", description = "Scratch directory, wiped first (default: ${DEFAULT-VALUE})")
    java.nio.file.Path home = java.nio.file.Path.of(".safedeploy/bench/judge");

    @Override
    BenchReport measure() throws Exception {
      return new JudgeBench(new JudgeBench.Options(home, runs, requests, greenPercent, trips, worseRmse, threads),
          System.err).run();
    }
  }

  @Command(name = "code", mixinStandardHelpOptions = true, description = "JMH microbenchmarks of the serving hot path: "
      + "the router's weighted pick, CSV payload parse (one row, 100 rows) and format, in ns/op.")
  static final class Code extends Bench {
    @Option(names = "--forks", description = "JVMs forked per benchmark (default: ${DEFAULT-VALUE})")
    int forks = 1;

    @Option(names = "--warmup", description = "Warmup iterations (default: ${DEFAULT-VALUE})")
    int warmup = 3;

    @Option(names = "--iterations", description = "Measured iterations (default: ${DEFAULT-VALUE})")
    int iterations = 5;

    @Option(names = "--iteration-time", converter = dev.safedeploy.starter.cli.Durations.class,
        description = "Length of each iteration (default: ${DEFAULT-VALUE})")
    Duration iterationTime = Duration.ofSeconds(1);

    @Override
    BenchReport measure() throws Exception {
      return new dev.safedeploy.bench.code.CodeBench(new dev.safedeploy.bench.code.CodeBench.Options(forks, warmup,
          iterations, iterationTime.toMillis())).run();
    }
  }
}
