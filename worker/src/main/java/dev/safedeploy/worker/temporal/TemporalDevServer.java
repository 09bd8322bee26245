package dev.safedeploy.worker.temporal;

import dev.safedeploy.workflows.pipeline.SearchAttributes;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Temporal server: {@code temporal server start-dev} as a child process, on loopback only, with its state in a
 * SQLite file (so a restart loses no run), namespace {@code default}, the pipeline's search attributes, and the Web UI.
 * Its log goes to a file beside the database.
 */
public final class TemporalDevServer implements TemporalServer {

  private static final Logger log = LoggerFactory.getLogger(TemporalDevServer.class);
  private static final String IP = "127.0.0.1";
  /** Comma-separated SQLite pragmas for the dev server's file; empty for SQLite's own defaults. */
  public static final String ENV_PRAGMAS = "SAFEDEPLOY_TEMPORAL_SQLITE_PRAGMAS";
  /**
   * Write-ahead log with NORMAL sync: a commit is one append instead of a journal write plus two fsyncs; a crash of
   * the server or of this machine's processes loses nothing (only a power cut can lose the last commits).
   */
  static final String DEFAULT_PRAGMAS = "journal_mode=wal,synchronous=normal";
  /** Semicolon-separated KEY=JSON_VALUE dynamic config for the dev server (its --dynamic-config-value); unset: none. */
  public static final String ENV_DYNAMIC_CONFIG = "SAFEDEPLOY_TEMPORAL_DYNAMIC_CONFIG";

  /**
   * @param dbFile SQLite file; null keeps state in memory (tests that do not restart)
   * @param port frontend gRPC port (0: a free one)
   * @param uiPort Web UI port (0: a free one)
   */
  public record Options(Path cli, Path dbFile, int port, int uiPort, Path logFile, Duration startTimeout) {}

  private final Options options;
  private final Process process;
  private final int port;
  private final int uiPort;

  private TemporalDevServer(Options options, Process process, int port, int uiPort) {
    this.options = options;
    this.process = process;
    this.port = port;
    this.uiPort = uiPort;
  }

  static List<String> sqlitePragmas(String setting) {
    String value = setting == null ? DEFAULT_PRAGMAS : setting;
    List<String> pragmas = new ArrayList<>();
    for (String p : value.split(",")) {
      if (!p.isBlank()) {
        if (!p.trim().matches("[a-z_]+=[A-Za-z0-9_]+")) {
          throw new IllegalArgumentException(ENV_PRAGMAS + ": '" + p.trim() + "' is not PRAGMA=VALUE");
        }
        pragmas.add(p.trim());
      }
    }
    return pragmas;
  }

  static List<String> dynamicConfig(String setting) {
    List<String> values = new ArrayList<>();
    if (setting == null || setting.isBlank()) {
      return values;
    }
    for (String v : setting.split(";")) {
      if (!v.trim().matches("[A-Za-z][A-Za-z0-9_.]*=\\S.*")) {
        throw new IllegalArgumentException(ENV_DYNAMIC_CONFIG + ": '" + v.trim() + "' is not KEY=JSON_VALUE");
      }
      values.add(v.trim());
    }
    return values;
  }

  /**
   * Starts the server. A process that dies before it answers (the CLI panics when one of the internal ports it picks
   * for itself was taken meanwhile) is started once more, on fresh ports where they were ours to choose.
   */
  public static TemporalDevServer start(Options options) {
    try {
      return startOnce(options);
    } catch (EarlyExit first) {
      log.warn("temporal server start-dev exited before it was ready ({}); starting it once more", first.getMessage());
      try {
        return startOnce(options);
      } catch (EarlyExit second) {
        second.addSuppressed(first);
        throw second;
      }
    }
  }

  private static TemporalDevServer startOnce(Options options) {
    int port = options.port() == 0 ? Ports.free() : options.port();
    int uiPort = options.uiPort() == 0 ? Ports.free() : options.uiPort();
    List<String> command = new ArrayList<>(List.of(options.cli().toString(), "server", "start-dev",
        "--ip", IP, "--port", Integer.toString(port), "--ui-port", Integer.toString(uiPort),
        "--namespace", "default", "--log-level", "warn", "--ui-disable-news-fetch"));
    if (options.dbFile() != null) {
      command.addAll(List.of("--db-filename", options.dbFile().toAbsolutePath().toString()));
      for (String pragma : sqlitePragmas(System.getenv(ENV_PRAGMAS))) {
        command.addAll(List.of("--sqlite-pragma", pragma));
      }
    }
    for (String value : dynamicConfig(System.getenv(ENV_DYNAMIC_CONFIG))) {
      command.addAll(List.of("--dynamic-config-value", value));
    }
    SearchAttributes.ALL.forEach(k -> command.addAll(List.of("--search-attribute", k.getName() + "=Keyword")));
    Process process;
    long logStart;
    try {
      if (options.dbFile() != null) {
        Files.createDirectories(options.dbFile().toAbsolutePath().getParent());
      }
      Files.createDirectories(options.logFile().toAbsolutePath().getParent());
      logStart = Files.exists(options.logFile()) ? Files.size(options.logFile()) : 0;
      process = new ProcessBuilder(command)
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(options.logFile().toFile()))
          .start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + options.cli() + " server start-dev", e);
    }
    TemporalDevServer server = new TemporalDevServer(options, process, port, uiPort);
    try {
      server.awaitReady(logStart);
    } catch (RuntimeException e) {
      server.close();
      throw e;
    }
    log.info("temporal dev server up on {} (UI {}), state {}", server.address(), server.webUi(), options.dbFile());
    return server;
  }

  /** The process ended before the frontend answered. */
  static final class EarlyExit extends IllegalStateException {
    EarlyExit(String message) {
      super(message);
    }
  }

  /** Until the frontend answers; a process that exits first (port taken, bad flag) fails with what it logged. */
  private void awaitReady(long logStart) {
    long deadline = System.nanoTime() + options.startTimeout().toNanos();
    WorkflowServiceStubs stubs = WorkflowServiceStubs.newServiceStubs(WorkflowServiceStubsOptions.newBuilder()
        .setTarget(address()).build());
    try {
      while (true) {
        if (!process.isAlive()) {
          throw new EarlyExit("temporal server start-dev exited with " + process.exitValue()
              + " before it was ready on " + address() + ": " + startLog(logStart) + " (whole log: "
              + options.logFile() + ")");
        }
        try {
          stubs.blockingStub().withDeadlineAfter(1, TimeUnit.SECONDS).getSystemInfo(
              io.temporal.api.workflowservice.v1.GetSystemInfoRequest.getDefaultInstance());
          return;
        } catch (RuntimeException notYet) {
          if (System.nanoTime() > deadline) {
            throw new IllegalStateException("temporal server start-dev did not answer on " + address() + " within "
                + options.startTimeout().toSeconds() + " s: " + startLog(logStart));
          }
          sleep(100);
        }
      }
    } finally {
      stubs.shutdownNow();
    }
  }

  /**
   * What this start wrote to the log, shortened: a Go panic's message and its first frames come first and matter most
   * (its goroutine dump can run to thousands of lines), then the last lines.
   */
  String startLog(long logStart) {
    List<String> lines;
    try {
      byte[] all = Files.readAllBytes(options.logFile());
      int from = (int) Math.min(logStart, all.length);
      lines = new String(all, from, all.length - from, StandardCharsets.UTF_8).lines().toList();
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
    return summary(lines);
  }

  static String summary(List<String> lines) {
    int panic = -1;
    for (int i = 0; i < lines.size() && panic < 0; i++) {
      String l = lines.get(i);
      if (l.startsWith("panic:") || l.startsWith("fatal error:") || l.contains("address already in use")) {
        panic = i;
      }
    }
    List<String> shown = new ArrayList<>();
    int next = 0;
    if (panic >= 0) {
      next = Math.min(lines.size(), panic + 8);
      shown.addAll(lines.subList(panic, next));
    }
    int lastFrom = Math.max(next, lines.size() - 5);
    if (lastFrom < lines.size()) {
      if (lastFrom > next && !shown.isEmpty()) {
        shown.add("...");
      }
      shown.addAll(lines.subList(lastFrom, lines.size()));
    }
    return shown.isEmpty() ? "(it logged nothing)" : String.join(" | ", shown);
  }

  @Override
  public String address() {
    return IP + ":" + port;
  }

  public int port() {
    return port;
  }

  @Override
  public URI webUi() {
    return URI.create("http://" + IP + ":" + uiPort);
  }

  @Override
  public boolean durable() {
    return options.dbFile() != null;
  }

  @Override
  public String description() {
    return "Temporal dev server (" + options.cli().getFileName() + " server start-dev, "
        + (durable() ? "SQLite " + options.dbFile() : "in memory") + ")";
  }

  public long pid() {
    return process.pid();
  }

  /** Stops the server as Ctrl-C would (SIGTERM), then forcibly if it does not go within 10 s. */
  @Override
  public void close() {
    if (!process.isAlive()) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }

  /** Kills the server without letting it shut down (kill -9), for the durability tests. */
  public void kill() {
    process.destroyForcibly();
    try {
      process.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for the Temporal dev server", e);
    }
  }
}
