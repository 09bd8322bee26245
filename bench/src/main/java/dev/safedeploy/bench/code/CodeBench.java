package dev.safedeploy.bench.code;

import dev.safedeploy.bench.BenchReport;
import java.util.Collection;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * {@code safedeploy bench code}: the JMH microbenchmarks ({@link ServingHotPath}, {@link ModelPrediction}), bounded by
 * iterations and time.
 */
public final class CodeBench {

  /**
   * @param forks JVMs forked per benchmark (0: in this one, less trustworthy, for tests)
   * @param iterationMillis length of each warmup and measurement iteration
   */
  public record Options(int forks, int warmupIterations, int iterations, long iterationMillis) {
    public Options {
      if (forks < 0 || forks > 5 || warmupIterations < 0 || warmupIterations > 20 || iterations < 1
          || iterations > 50 || iterationMillis < 10 || iterationMillis > 60_000) {
        throw new IllegalArgumentException("--forks 0..5, --warmup 0..20, --iterations 1..50 and --iteration-time "
            + "10ms..60s, got " + forks + ", " + warmupIterations + ", " + iterations + ", " + iterationMillis + "ms");
      }
    }
  }

  private final Options options;

  public CodeBench(Options options) {
    this.options = options;
  }

  public BenchReport run() throws RunnerException {
    TimeValue time = TimeValue.milliseconds(options.iterationMillis());
    Collection<RunResult> results = new Runner(new OptionsBuilder()
        .include(ServingHotPath.class.getName() + "\\.")
        .include(ModelPrediction.class.getName() + "\\.")
        .forks(options.forks())
        .warmupIterations(options.warmupIterations()).warmupTime(time)
        .measurementIterations(options.iterations()).measurementTime(time)
        .verbosity(VerboseMode.SILENT)
        .build()).run();
    BenchReport report = new BenchReport("code")
        .put("forks", options.forks()).put("iterations", options.iterations())
        .put("iterationMillis", options.iterationMillis());
    for (RunResult r : results) {
      String method = r.getParams().getBenchmark().substring(r.getParams().getBenchmark().lastIndexOf('.') + 1);
      for (String param : r.getParams().getParamsKeys()) {
        method += "[" + r.getParams().getParam(param) + "]";
      }
      report.put(method + ".nsPerOp", r.getPrimaryResult().getScore());
      double error = r.getPrimaryResult().getScoreError(); // NaN with fewer than two iterations
      if (!Double.isNaN(error)) {
        report.put(method + ".error99", error);
      }
    }
    if (options.forks() == 0) {
      report.note("forks 0: measured in this JVM, beside everything else it ran; use forks >= 1 for figures");
    }
    return report;
  }
}
