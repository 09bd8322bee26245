package dev.safedeploy.starter.fake;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import dev.safedeploy.starter.cli.CommandProvider;

/** A provider as the worker module is one: a command of its own, with its own failure handling (exit 7). */
public final class FakeCommands implements CommandProvider {

  public static volatile List<String> lastArgs;
  public static final java.util.concurrent.atomic.AtomicInteger prepared = new java.util.concurrent.atomic.AtomicInteger();

  @Command(name = "fakerun", mixinStandardHelpOptions = true, header = "A provided command (its summary).",
      description = "Records its arguments; --fail throws.")
  static final class FakeRun implements Callable<Integer> {
    @Option(names = "--json")
    boolean json;

    @Option(names = "--fail")
    boolean fail;

    @Parameters
    List<String> rest = new ArrayList<>();

    @Override
    public Integer call() {
      if (fail) {
        throw new IllegalStateException("it failed", new IllegalArgumentException("because"));
      }
      List<String> args = new ArrayList<>(rest);
      if (json) {
        args.add(0, "--json");
      }
      lastArgs = List.copyOf(args);
      return 0;
    }
  }

  @Override
  public List<CommandLine> commands() {
    return List.of(new CommandLine(new FakeRun()));
  }

  @Override
  public void beforeRun() {
    prepared.incrementAndGet();
  }

  @Override
  public IExecutionExceptionHandler failureHandler() {
    return (e, cmd, parsed) -> {
      cmd.getErr().println("fake " + cmd.getCommandName() + ": " + e.getMessage() + ": " + e.getCause().getMessage());
      return 7;
    };
  }
}
