package dev.safedeploy.worker.bench;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code safedeploy bench <name> [--json]}: each benchmark is bounded in time and count and stops by itself. */
@Command(name = "bench", description = "Measure the pipeline: overhead, concurrency, rollback, detection, pipeline, "
    + "router. Prints a table, or one JSON line with --json.",
    subcommands = {BenchCommand.Overhead.class, BenchCommand.Concurrency.class})
public final class BenchCommand implements Callable<Integer> {

  @Override
  public Integer call() {
    System.err.println("safedeploy bench: name a benchmark: overhead, concurrency, rollback, detection, pipeline, "
        + "router");
    return 2;
  }

  /** Shared by every benchmark: prints the report one way or the other. */
  abstract static class Bench implements Callable<Integer> {
    @Option(names = "--json", description = "One JSON line on stdout instead of the table")
    boolean json;

    abstract BenchReport measure() throws Exception;

    @Override
    public Integer call() throws Exception {
      BenchReport report = measure();
      System.out.println(json ? report.json() : report.table());
      return 0;
    }
  }

  @Command(name = "overhead", description = "Whole pipelines with instant activities on the embedded server: wall "
      + "time vs time in activities.")
  static final class Overhead extends Bench {
    @Option(names = "--runs", description = "Measured runs (default: ${DEFAULT-VALUE})")
    int runs = 20;

    @Option(names = "--warmup", description = "Unmeasured runs first (default: ${DEFAULT-VALUE})")
    int warmup = 3;

    @Override
    BenchReport measure() throws Exception {
      return new OverheadBench(runs, warmup).run();
    }
  }

  @Command(name = "concurrency", description = "N pipelines waiting at approval on one worker; heap; then approve "
      + "all and time approval -> reaction.")
  static final class Concurrency extends Bench {
    @Option(names = "--runs", description = "Pipelines started at once (default: ${DEFAULT-VALUE})")
    int runs = 1000;

    @Override
    BenchReport measure() throws InterruptedException {
      return new ConcurrencyBench(runs).run();
    }
  }
}
