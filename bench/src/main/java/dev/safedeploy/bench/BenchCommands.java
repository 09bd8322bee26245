package dev.safedeploy.bench;

import dev.safedeploy.starter.cli.CommandProvider;
import dev.safedeploy.worker.cli.RuntimeCommands;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;

/** {@code safedeploy bench} in the one command tree (META-INF/services); it reports failures as the runtime commands do. */
public final class BenchCommands implements CommandProvider {

  @Override
  public List<CommandLine> commands() {
    return List.of(new CommandLine(new BenchCommand()).setCaseInsensitiveEnumValuesAllowed(true));
  }

  @Override
  public void beforeRun() {
    new RuntimeCommands().beforeRun();
  }

  @Override
  public IExecutionExceptionHandler failureHandler() {
    return RuntimeCommands.FAILURE;
  }

  @Override
  public IParameterExceptionHandler badArgumentsHandler() {
    return RuntimeCommands.BAD_ARGUMENTS;
  }
}
