package dev.safedeploy.worker.cli;

import dev.safedeploy.starter.cli.Durations;
import dev.safedeploy.worker.demo.Demo;
import dev.safedeploy.worker.temporal.TemporalServers;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "demo", mixinStandardHelpOptions = true,
    header = "The two-version demo on the local backend (train, approve, canary, alarm, rollback).", description = "Two versions of nyctaxi through the pipeline on the local backend: "
    + "v1 goes live, broken v2 is rolled back by its alarm; then drifted traffic fires v1's drift alarm, and the "
    + "retrain it starts takes v3 through the same pipeline into production.")
public final class DemoCommand implements Callable<Integer> {

  @Option(names = "--trips", description = "Synthetic trips to generate (default: ${DEFAULT-VALUE})")
  long trips = 200_000;

  @Option(names = "--json", description = "End with one JSON line on stdout (progress goes to stderr)")
  boolean json;

  @Option(names = "--home", description = "Scratch directory, wiped first (default: ${DEFAULT-VALUE})")
  Path home = Path.of(".safedeploy/demo");

  @Option(names = "--temporal", paramLabel = "auto|cli|embedded",
      description = "Temporal server: auto = the temporal CLI's dev server when found, else the embedded Java test "
          + "server (default: SAFEDEPLOY_TEMPORAL or auto)")
  TemporalServers.Mode temporal;

  @Option(names = "--temporal-port", description = "Temporal port, 0 = any free (default: ${DEFAULT-VALUE})")
  int temporalPort = 0;

  @Option(names = "--ui-port", description = "Temporal Web UI port, any free one when taken (default: ${DEFAULT-VALUE})")
  int uiPort = 8233;

  @Option(names = "--linger", description = "Keep the Temporal server and its Web UI up after the demo, until Ctrl-C")
  boolean linger;

  @Option(names = "--canary-bake", converter = Durations.class,
      description = "Bake at the canary step (default: ${DEFAULT-VALUE})")
  Duration canaryBake = Duration.ofSeconds(20);

  @Option(names = "--final-bake", converter = Durations.class,
      description = "Bake at 100%% before blue is retired (default: ${DEFAULT-VALUE})")
  Duration finalBake = Duration.ofSeconds(5);

  @Option(names = "--rate", description = "Live traffic, requests per second (default: ${DEFAULT-VALUE})")
  int rate = 100;

  @Option(names = "--retrain", negatable = true, defaultValue = "true", fallbackValue = "true",
      description = "After v2's rollback: drifted traffic, the drift alarm, a retrain to v3 (default: on; "
          + "--no-retrain stops after v2)")
  boolean retrain = true;

  @Override
  public Integer call() throws Exception {
    if (trips < 1000) {
      throw new IllegalArgumentException("--trips must be at least 1000, got " + trips);
    }
    Demo.Report report = new Demo(new Demo.Options(home, trips, json,
        TemporalServers.mode(System.getenv(), temporal), temporalPort, uiPort, canaryBake, finalBake, rate, linger, retrain),
        System.out).run();
    if (json) {
      System.out.println(Demo.toJson(report));
    }
    return report.asExpected() ? 0 : 1;
  }
}
