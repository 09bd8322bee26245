package dev.safedeploy.worker;

import dev.safedeploy.worker.bench.BenchCommand;
import dev.safedeploy.worker.cli.DataCommand;
import dev.safedeploy.worker.cli.DemoCommand;
import dev.safedeploy.worker.cli.DevCommand;
import dev.safedeploy.worker.cli.PlatformCommand;
import dev.safedeploy.worker.cli.ReconcileCommand;
import dev.safedeploy.worker.cli.TeardownCommand;
import dev.safedeploy.worker.cli.WorkerCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The runtime commands: dev, demo, worker, data, teardown (and bench). The `safedeploy` CLI in the starter module forwards these
 * here, so the starter never depends on the worker module; {@code ./safedeploy} puts both on the classpath.
 */
@Command(name = "safedeploy", mixinStandardHelpOptions = true,
    subcommands = {DevCommand.class, DemoCommand.class, WorkerCommand.class, PlatformCommand.class,
        DataCommand.class, ReconcileCommand.class, BenchCommand.class, TeardownCommand.class})
public final class WorkerCli {

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs one command, e.g. {@code run("demo", "--json")}; returns its exit code. */
  public static int run(String... args) {
    return new CommandLine(new WorkerCli())
        .setCaseInsensitiveEnumValuesAllowed(true)
        .setExecutionExceptionHandler((e, cmd, parsed) -> {
          cmd.getErr().println("safedeploy " + cmd.getCommandName() + ": " + describe(e));
          return 1;
        })
        .execute(args);
  }

  private static String describe(Throwable e) {
    StringBuilder s = new StringBuilder(String.valueOf(e.getMessage()));
    for (Throwable c = e.getCause(); c != null && c != c.getCause(); c = c.getCause()) {
      if (c.getMessage() != null && !s.toString().contains(c.getMessage())) {
        s.append(": ").append(c.getMessage());
      }
    }
    return s.toString();
  }
}
