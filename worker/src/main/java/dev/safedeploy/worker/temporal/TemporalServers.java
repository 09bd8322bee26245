package dev.safedeploy.worker.temporal;

import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * Picks the Temporal server for {@code dev} and {@code demo}: the temporal CLI's dev server wherever the CLI exists
 * (the default), the embedded Java test server as the zero-install fallback, or a server already listening on the
 * requested port (a `temporal server start-dev` of the user's own, or one left behind by a killed `safedeploy dev`).
 */
public final class TemporalServers {

  /** {@code --temporal}: auto (CLI when found, else embedded), cli (required), embedded (the Java test server). */
  public enum Mode { AUTO, CLI, EMBEDDED }

  public static final String ENV_MODE = "SAFEDEPLOY_TEMPORAL";

  /**
   * @param port frontend port (0: a free one, never an existing server's)
   * @param uiPort Web UI port (0: a free one); with port 0, a free one also when this one is taken
   * @param stateDir where the dev server keeps its SQLite file and log
   */
  public record Request(Mode mode, int port, int uiPort, Path stateDir) {}

  private TemporalServers() {}

  public static Mode mode(Map<String, String> env, Mode option) {
    if (option != null) {
      return option;
    }
    String value = env.get(ENV_MODE);
    if (value == null || value.isBlank()) {
      return Mode.AUTO;
    }
    try {
      return Mode.valueOf(value.trim().toUpperCase());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(ENV_MODE + " must be auto, cli or embedded, got '" + value + "'");
    }
  }

  public static TemporalServer start(Request request, Map<String, String> env, PrintStream notices) {
    if (request.port() != 0 && Ports.listening(request.port()) && request.mode() != Mode.EMBEDDED) {
      ExistingServer existing = new ExistingServer("127.0.0.1:" + request.port());
      notices.println("safedeploy: using the Temporal server already listening on " + existing.address());
      return existing;
    }
    Optional<Path> cli = request.mode() == Mode.EMBEDDED ? Optional.empty() : TemporalCli.find(env);
    if (cli.isPresent()) {
      // a run on a free port (the demo) must not fail because `safedeploy dev` holds the usual UI port
      int uiPort = request.port() == 0 && request.uiPort() != 0 && Ports.listening(request.uiPort())
          ? 0 : request.uiPort();
      return TemporalDevServer.start(new TemporalDevServer.Options(cli.get(),
          request.stateDir().resolve("temporal.db"), request.port(), uiPort,
          request.stateDir().resolve("temporal-server.log"), Duration.ofSeconds(60)));
    }
    if (request.mode() == Mode.CLI) {
      throw new IllegalStateException("--temporal cli: no temporal CLI found (" + TemporalCli.ENV_CLI
          + ", PATH, .tools); " + TemporalCli.installHint());
    }
    if (request.mode() == Mode.AUTO) {
      notices.println("safedeploy: no temporal CLI found, so using the embedded Java test server: runs live in memory "
          + "and there is no Web UI; " + TemporalCli.installHint());
    }
    return EmbeddedTemporalServer.start(request.port());
  }

  /** A server this process did not start: left running on close. */
  private record ExistingServer(String address) implements TemporalServer {
    @Override
    public URI webUi() {
      return null;
    }

    @Override
    public boolean durable() {
      return true;
    }

    @Override
    public String description() {
      return "the Temporal server already listening on " + address;
    }

    @Override
    public void close() {}
  }
}
