package dev.safedeploy.starter.cli;

import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;

/**
 * Commands another module adds to the one {@code safedeploy} command tree, found with {@link java.util.ServiceLoader}
 * (a {@code META-INF/services/dev.safedeploy.starter.cli.CommandProvider} file naming the implementation). The
 * starter itself is client-only: the runtime commands (dev, demo, worker, platform, data, reconcile, teardown) come
 * from the worker module and {@code bench} from the bench module, when they are on the classpath.
 *
 * <p>picocli asks only the root for its exception handlers; the root hands a failure to the provider of the top-level
 * command it happened in, so each provider keeps its own error reporting and exit codes.
 */
public interface CommandProvider {

  /**
   * The top-level commands, in help order, each with its parser settings. A command's {@code header} is its one-line
   * summary in {@code safedeploy --help}; its own help starts at its usage line.
   */
  List<CommandLine> commands();

  /** Called once before one of these commands runs (not for help or bad arguments): JVM-wide settings it needs. */
  default void beforeRun() {}

  /** How an exception one of these commands throws is reported; null for the root's own (one line, ExitCodes). */
  default IExecutionExceptionHandler failureHandler() {
    return null;
  }

  /** How bad arguments to one of these commands are reported; null for the root's own (one line, exit 2). */
  default IParameterExceptionHandler badArgumentsHandler() {
    return null;
  }
}
