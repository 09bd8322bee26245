package dev.safedeploy.starter.cli;

import dev.safedeploy.starter.SafedeployCli;
import dev.safedeploy.workflows.client.TemporalConnection;
import dev.safedeploy.starter.runs.RunService;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** A subcommand that talks to Temporal: resolves the connection, runs, and closes it. */
public abstract class ClientCommand implements Callable<Integer> {

  @ParentCommand
  protected SafedeployCli root;

  @Spec
  protected CommandSpec spec;

  @Mixin
  protected ConnectionOptions connection;

  @Option(names = {"-h", "--help"}, usageHelp = true, description = "show this help")
  boolean help;

  protected PrintWriter out() {
    return spec.commandLine().getOut();
  }

  protected PrintWriter err() {
    return spec.commandLine().getErr();
  }

  protected java.util.Map<String, String> env() {
    return root.env();
  }

  /** $USER (or the JVM's user name): the default identity for requests and decisions. */
  protected String currentUser() {
    String user = env().get("USER");
    return user != null && !user.isBlank() ? user : System.getProperty("user.name");
  }

  @Override
  public final Integer call() throws Exception {
    ConnectionOptions global = root.connection();
    String address = connection.address != null ? connection.address : global.address;
    String namespace = connection.namespace != null ? connection.namespace : global.namespace;
    Duration timeout = connection.connectTimeout != null ? connection.connectTimeout
        : global.connectTimeout != null ? global.connectTimeout : Duration.ofSeconds(5);
    int early = validate();
    if (early >= 0) {
      return early;
    }
    TemporalConnection.Settings settings = TemporalConnection.resolve(env(), address, namespace);
    try (TemporalConnection conn = TemporalConnection.open(settings,
        TemporalConnection.Options.probing(timeout, "safedeploy-cli"))) {
      int code = run(conn, new RunService(conn.client()));
      out().flush();
      return code;
    }
  }

  /** Checks made before connecting; a non-negative result ends the command with that code. */
  protected int validate() {
    return -1;
  }

  protected abstract int run(TemporalConnection conn, RunService runs) throws Exception;
}
