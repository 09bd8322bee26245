package dev.safedeploy.worker.cli;

import dev.safedeploy.starter.cli.CommandProvider;
import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * The runtime commands — dev, demo, worker, platform, data, reconcile, teardown — in the one {@code safedeploy}
 * tree (registered in META-INF/services). They fail with exit 1 and one line naming the cause chain; bad arguments
 * print picocli's message with its suggestions or the command's usage, and exit 2.
 */
public final class RuntimeCommands implements CommandProvider {

  /** Exit 1 and the failure's message with its causes', on one line. */
  public static final IExecutionExceptionHandler FAILURE = (e, cmd, parsed) -> {
    cmd.getErr().println("safedeploy " + cmd.getCommandName() + ": " + describe(e));
    return 1;
  };

  /** picocli's own report: the message, then its suggestions or the usage; exit 2. */
  public static final IParameterExceptionHandler BAD_ARGUMENTS = (e, args) -> {
    CommandLine cmd = e.getCommandLine();
    PrintWriter err = cmd.getErr();
    err.println(cmd.getColorScheme().errorText(e.getMessage()));
    if (!UnmatchedArgumentException.printSuggestions(e, err)) {
      cmd.usage(err, cmd.getColorScheme());
    }
    return cmd.getCommandSpec().exitCodeOnInvalidInput();
  };

  @Override
  public List<CommandLine> commands() {
    return List.of(new DevCommand(), new DemoCommand(), new WorkerCommand(), new PlatformCommand(),
            new DataCommand(), new ReconcileCommand(), new TeardownCommand()).stream()
        .map(command -> new CommandLine(command).setCaseInsensitiveEnumValuesAllowed(true))
        .toList();
  }

  /**
   * Before the worker's metrics endpoint (the one JDK HTTP server left; the platform runs on Netty) exists: otherwise
   * every scrape waits ~40 ms (Nagle + delayed ACK). A value already set (the launcher's -D) is kept.
   */
  @Override
  public void beforeRun() {
    if (System.getProperty("sun.net.httpserver.nodelay") == null) {
      System.setProperty("sun.net.httpserver.nodelay", "true");
    }
  }

  @Override
  public IExecutionExceptionHandler failureHandler() {
    return FAILURE;
  }

  @Override
  public IParameterExceptionHandler badArgumentsHandler() {
    return BAD_ARGUMENTS;
  }

  static String describe(Throwable e) {
    StringBuilder s = new StringBuilder(String.valueOf(e.getMessage()));
    for (Throwable c = e.getCause(); c != null && c != c.getCause(); c = c.getCause()) {
      if (c.getMessage() != null && !s.toString().contains(c.getMessage())) {
        s.append(": ").append(c.getMessage());
      }
    }
    return s.toString();
  }
}
