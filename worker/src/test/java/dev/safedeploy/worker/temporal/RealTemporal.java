package dev.safedeploy.worker.temporal;

import dev.safedeploy.starter.fake.TemporalFixture;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * The real Temporal server for tests: the temporal CLI, found as {@code safedeploy dev} finds it. Tests that need it
 * call {@link #cli()}: without the CLI they are skipped, saying why — unless {@code SAFEDEPLOY_REQUIRE_TOOLS=1} (set
 * by {@code .ci/run}, which installs it), where a missing CLI fails them.
 */
public final class RealTemporal {

  private RealTemporal() {}

  public static boolean available() {
    return TemporalCli.find(System.getenv()).isPresent();
  }

  public static Path cli() {
    Optional<Path> cli = TemporalCli.find(System.getenv());
    if (cli.isEmpty()) {
      String why = "no temporal CLI (SAFEDEPLOY_TEMPORAL_CLI, PATH, " + System.getProperty(TemporalCli.TOOLS_PROPERTY)
          + "); run .ci/install-tools";
      if ("1".equals(System.getenv("SAFEDEPLOY_REQUIRE_TOOLS"))) {
        Assertions.fail(why);
      }
      Assumptions.abort("real-server test skipped: " + why);
    }
    return cli.get();
  }

  /** A dev server on free ports; {@code db} null keeps it in memory. */
  public static TemporalDevServer start(Path dir, Path db) {
    return start(dir, db, 0, 0);
  }

  public static TemporalDevServer start(Path dir, Path db, int port, int uiPort) {
    return TemporalDevServer.start(new TemporalDevServer.Options(cli(), db, port, uiPort,
        dir.resolve("temporal-server.log"), Duration.ofSeconds(60)));
  }

  /** The CLI's test fixture (search attributes, a worker on the task queue) on a dev server in memory. */
  public static TemporalFixture fixture(Class<?> workflowImplementation, Object... activities) {
    return fixture(List.of(workflowImplementation), activities);
  }

  public static TemporalFixture fixture(List<Class<?>> workflowImplementations, Object... activities) {
    Path cli = cli();
    Path log;
    try {
      log = Files.createTempFile("temporal-dev-server", ".log");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    TemporalDevServer dev = TemporalDevServer.start(new TemporalDevServer.Options(cli, null, 0, 0, log,
        Duration.ofSeconds(60)));
    return TemporalFixture.onRealServer(dev, dev.port(), workflowImplementations, activities);
  }
}
