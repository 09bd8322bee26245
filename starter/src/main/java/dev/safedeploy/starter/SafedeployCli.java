package dev.safedeploy.starter;

import dev.safedeploy.starter.cli.CliFailure;
import dev.safedeploy.starter.cli.CommandProvider;
import dev.safedeploy.starter.cli.ConnectionOptions;
import dev.safedeploy.starter.cli.DecisionCommand;
import dev.safedeploy.starter.cli.ExitCodes;
import dev.safedeploy.starter.cli.GatewayCommand;
import dev.safedeploy.starter.cli.HistoryCommand;
import dev.safedeploy.starter.cli.ListCommand;
import dev.safedeploy.starter.cli.ReportCommand;
import dev.safedeploy.starter.cli.RetrainCommand;
import dev.safedeploy.starter.cli.RollbackCommand;
import dev.safedeploy.starter.cli.StartCommand;
import dev.safedeploy.starter.cli.StatusCommand;
import dev.safedeploy.starter.cli.WatchCommand;
import dev.safedeploy.workflows.client.TemporalConnection;
import dev.safedeploy.starter.runs.RunFailure;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.client.WorkflowNotFoundException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * The {@code safedeploy} command line: the one root of every command. The client commands are the starter's own; the
 * runtime commands and {@code bench} are added by {@link CommandProvider}s on the classpath (the worker and bench
 * modules, which the ./safedeploy launcher puts there).
 */
@Command(name = "safedeploy", mixinStandardHelpOptions = true, version = "safedeploy 0.1.0",
    description = "Safe deployment of ML models as a Temporal workflow: build, train, quality gate, baseline, dev "
        + "deploy, approval, canary prod deploy, watch; any alarm during the canary rolls production back.",
    subcommands = {
        StartCommand.class, DecisionCommand.Approve.class, DecisionCommand.Reject.class, RollbackCommand.class,
        StatusCommand.class, WatchCommand.class, ListCommand.class, HistoryCommand.class, ReportCommand.class,
        RetrainCommand.class,
        GatewayCommand.class},
    footer = {"", "Connection: TEMPORAL_ADDRESS (127.0.0.1:7233), TEMPORAL_NAMESPACE (default), TEMPORAL_API_KEY, "
        + "TEMPORAL_TLS, TEMPORAL_TLS_CLIENT_CERT_PATH, TEMPORAL_TLS_CLIENT_KEY_PATH, TEMPORAL_PROFILE / temporal.toml;"
        + " --address and --namespace override them.", "", ExitCodes.HELP})
public class SafedeployCli implements Runnable {

  private final Map<String, String> env;

  @Mixin
  private ConnectionOptions connection;

  @picocli.CommandLine.Spec
  private picocli.CommandLine.Model.CommandSpec spec;

  public SafedeployCli(Map<String, String> env) {
    this.env = Map.copyOf(env);
  }

  public Map<String, String> env() {
    return env;
  }

  public ConnectionOptions connection() {
    return connection;
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  public static void main(String[] args) {
    System.exit(run(args));
  }

  public static int run(String... args) {
    return commandLine(System.getenv()).execute(args);
  }

  /** The command line with its environment made explicit, for tests; the providers on the classpath add theirs. */
  public static CommandLine commandLine(Map<String, String> env) {
    List<CommandProvider> providers = new ArrayList<>();
    ServiceLoader.load(CommandProvider.class).forEach(providers::add);
    return commandLine(env, providers);
  }

  public static CommandLine commandLine(Map<String, String> env, List<CommandProvider> providers) {
    CommandLine cl = new CommandLine(new SafedeployCli(env));
    Map<String, CommandProvider> owners = new HashMap<>();
    for (CommandProvider provider : providers) {
      for (CommandLine command : provider.commands()) {
        cl.addSubcommand(command);
        owners.put(command.getCommandName(), provider);
      }
    }
    // a header is the summary in the parent's command list, not a line of the command's own help
    List<String> sections = new ArrayList<>(cl.getHelpSectionKeys());
    sections.removeAll(List.of(CommandLine.Model.UsageMessageSpec.SECTION_KEY_HEADER_HEADING,
        CommandLine.Model.UsageMessageSpec.SECTION_KEY_HEADER));
    cl.setHelpSectionKeys(sections);
    CommandLine.IParameterExceptionHandler badArguments = (e, args) -> {
      CommandLine c = e.getCommandLine();
      c.getErr().println("safedeploy " + c.getCommandName() + ": " + e.getMessage());
      c.getErr().println("try: " + c.getCommandSpec().qualifiedName() + " --help");
      c.getErr().flush();
      return ExitCodes.BAD_ARGUMENTS;
    };
    CommandLine.IExecutionExceptionHandler failure = (e, commandLine, parseResult) -> {
      PrintWriter err = commandLine.getErr();
      Failure f = classify(e);
      err.println("safedeploy " + commandLine.getCommandName() + ": " + f.message());
      if (env.containsKey("SAFEDEPLOY_DEBUG")) {
        e.printStackTrace(err);
      }
      err.flush();
      return f.exitCode();
    };
    cl.setExecutionStrategy(parsed -> {
      // the provider's JVM settings before its command runs; help and version run nothing
      boolean help = false;
      for (CommandLine.ParseResult p = parsed; p != null; p = p.subcommand()) {
        help |= p.isUsageHelpRequested() || p.isVersionHelpRequested();
      }
      CommandProvider owner = parsed.subcommand() == null ? null : owners.get(parsed.subcommand().commandSpec().name());
      if (owner != null && !help) {
        owner.beforeRun();
      }
      return new CommandLine.RunLast().execute(parsed);
    });
    cl.setParameterExceptionHandler((e, args) -> {
      CommandProvider owner = owners.get(topLevelName(e.getCommandLine()));
      CommandLine.IParameterExceptionHandler handler = owner == null ? null : owner.badArgumentsHandler();
      return (handler != null ? handler : badArguments).handleParseException(e, args);
    });
    cl.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
      CommandProvider owner = owners.get(topLevelName(commandLine));
      CommandLine.IExecutionExceptionHandler handler = owner == null ? null : owner.failureHandler();
      return (handler != null ? handler : failure).handleExecutionException(e, commandLine, parseResult);
    });
    return cl;
  }

  /** The name of the command right below the root that {@code command} is, or is under; null for the root. */
  private static String topLevelName(CommandLine command) {
    CommandLine c = command;
    while (c.getParent() != null && c.getParent().getParent() != null) {
      c = c.getParent();
    }
    return c.getParent() == null ? null : c.getCommandName();
  }

  record Failure(int exitCode, String message) {}

  static Failure classify(Throwable e) {
    if (e instanceof CliFailure f) {
      return new Failure(f.exitCode(), f.getMessage());
    }
    if (e instanceof RunFailure f) {
      return new Failure(switch (f.kind()) {
        case UNKNOWN_RUN -> ExitCodes.UNKNOWN_RUN;
        case REFUSED -> ExitCodes.REFUSED;
        case NO_WORKER -> ExitCodes.RUN_NOT_PROMOTED;
      }, f.getMessage());
    }
    if (e instanceof TemporalConnection.ConnectionException c) {
      return new Failure(c.unreachable() ? ExitCodes.UNREACHABLE : ExitCodes.BAD_ARGUMENTS, c.getMessage());
    }
    if (e instanceof WorkflowNotFoundException w) {
      return new Failure(ExitCodes.UNKNOWN_RUN, "no run " + w.getExecution().getWorkflowId());
    }
    for (Throwable c = e; c != null; c = c.getCause()) {
      if (c instanceof StatusRuntimeException s) {
        Status.Code code = s.getStatus().getCode();
        String d = s.getStatus().getDescription() == null ? code.name() : s.getStatus().getDescription();
        if (TemporalConnection.isUnreachable(code)) {
          return new Failure(ExitCodes.UNREACHABLE, "the Temporal server stopped answering (" + d + ")");
        }
        if (code == Status.Code.NOT_FOUND) {
          return new Failure(d.toLowerCase().contains("namespace") ? ExitCodes.BAD_ARGUMENTS : ExitCodes.UNKNOWN_RUN,
              d);
        }
        if (code == Status.Code.INVALID_ARGUMENT) {
          return new Failure(ExitCodes.BAD_ARGUMENTS, d);
        }
        if (code == Status.Code.PERMISSION_DENIED || code == Status.Code.UNAUTHENTICATED) {
          return new Failure(ExitCodes.UNREACHABLE, "the Temporal server refused the credentials (" + d + ")");
        }
        return new Failure(ExitCodes.RUN_NOT_PROMOTED, d);
      }
    }
    return new Failure(ExitCodes.RUN_NOT_PROMOTED, e.getClass().getSimpleName() + ": " + e.getMessage()
        + " (SAFEDEPLOY_DEBUG=1 shows the stack trace)");
  }
}
