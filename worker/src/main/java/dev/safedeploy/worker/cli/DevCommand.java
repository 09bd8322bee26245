package dev.safedeploy.worker.cli;

import dev.safedeploy.platform.client.ControlToken;
import dev.safedeploy.worker.dev.DevEnvironment;
import dev.safedeploy.worker.temporal.TemporalServer;
import dev.safedeploy.worker.temporal.TemporalServers;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "dev", mixinStandardHelpOptions = true,
    header = "Embedded Temporal server + local model platform + worker, all in one process.", description = "Temporal dev server (the temporal CLI, or the "
    + "embedded fallback) + local model platform + worker, until Ctrl-C.")
public final class DevCommand implements Callable<Integer> {

  @Option(names = "--home", description = "State directory (default: ${DEFAULT-VALUE})")
  Path home = Path.of(System.getenv().getOrDefault("SAFEDEPLOY_HOME", ".safedeploy"));

  @Option(names = "--temporal", paramLabel = "auto|cli|embedded",
      description = "Temporal server: auto = the temporal CLI's dev server when found (SAFEDEPLOY_TEMPORAL_CLI, PATH, "
          + ".tools), else the embedded Java test server; cli = require the CLI; embedded = the test server "
          + "(default: SAFEDEPLOY_TEMPORAL or auto)")
  TemporalServers.Mode temporal;

  @Option(names = "--temporal-port", description = "Temporal gRPC port on 127.0.0.1 (default: ${DEFAULT-VALUE})")
  int temporalPort = 7233;

  @Option(names = "--ui-port", description = "Temporal Web UI port on 127.0.0.1 (default: ${DEFAULT-VALUE})")
  int uiPort = 8233;

  @Option(names = "--platform-port", description = "Local platform control API port (default: ${DEFAULT-VALUE})")
  int platformPort = 8765;

  @Option(names = "--router-port", description = "Invocation router port (default: ${DEFAULT-VALUE})")
  int routerPort = 8081;

  @Option(names = "--metrics-port", description = "Prometheus metrics port, 0 = off (default: ${DEFAULT-VALUE})")
  int metricsPort = 9464;

  @Option(names = "--no-worker", description = "Run the server and platform only (workers run elsewhere)")
  boolean noWorker;

  @Override
  public Integer call() throws InterruptedException {
    String gateway = System.getenv("SAFEDEPLOY_GATEWAY_URL");
    DevEnvironment dev = DevEnvironment.start(new DevEnvironment.Options(home,
        TemporalServers.mode(System.getenv(), temporal), temporalPort, uiPort, platformPort, routerPort, !noWorker,
        metricsPort, gateway, null), System.out);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      dev.close();
      stopped.countDown();
    }, "safedeploy-dev-shutdown"));
    System.out.println("safedeploy dev is up");
    TemporalServer server = dev.temporalServer();
    System.out.println("  Temporal      " + server.address() + " (namespace default, task queue safedeploy): "
        + server.description());
    if (server.webUi() != null) {
      System.out.println("  Web UI        " + server.webUi() + "/namespaces/default/workflows");
    }
    System.out.println("  platform      " + dev.platform().url() + "  (state in " + dev.platform().home()
        + ", control token in " + ControlToken.file(dev.platform().home()) + ")");
    System.out.println("  router        " + dev.platform().routerUrl() + "/endpoints/<endpoint>/invocations");
    System.out.println("  worker        " + (noWorker ? "none (--no-worker)" : "local backend")
        + (metricsPort > 0 ? ", metrics http://127.0.0.1:" + metricsPort + "/metrics" : ""));
    System.out.println("Use another terminal: ./safedeploy start|status|watch|approve ...   Ctrl-C stops.");
    stopped.await();
    return 0;
  }
}
