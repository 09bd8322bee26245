package dev.safedeploy.worker.temporal;

import java.nio.file.Path;
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
}
