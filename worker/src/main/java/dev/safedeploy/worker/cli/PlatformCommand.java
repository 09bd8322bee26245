package dev.safedeploy.worker.cli;

import dev.safedeploy.platform.alarms.TemporalAlarmSink;
import dev.safedeploy.platform.client.ControlToken;
import dev.safedeploy.platform.control.LocalPlatform;
import dev.safedeploy.platform.control.PlatformConfig;
import dev.safedeploy.worker.config.WorkerConfig;
import dev.safedeploy.workflows.client.TemporalConnection;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "platform", mixinStandardHelpOptions = true,
    header = "The local model platform alone, for workers that run in other processes.", description = "The local model platform alone (control API, router, model servers, "
    + "alarms signalling workflows on TEMPORAL_ADDRESS), for workers that run elsewhere.")
public final class PlatformCommand implements Callable<Integer> {

  @Option(names = "--home", description = "State directory (default: SAFEDEPLOY_HOME or .safedeploy)")
  Path home;

  @Option(names = "--bind", description = "Address to listen on (default: ${DEFAULT-VALUE}; 0.0.0.0 in containers)")
  String bind = "127.0.0.1";

  @Option(names = "--platform-port", description = "Control API port (default: ${DEFAULT-VALUE})")
  int platformPort = 8765;

  @Option(names = "--router-port", description = "Invocation router port (default: ${DEFAULT-VALUE})")
  int routerPort = 8081;

  @Option(names = "--allow-host", split = ",", description = "Host names the control API answers for besides "
      + "localhost, 127.0.0.1 and [::1] (say the container name other containers reach it by); repeatable")
  List<String> allowHosts = new ArrayList<>();

  @Option(names = "--data-root", description = "A directory training data, baselines and model artifacts may be read "
      + "from, besides the state directory and the working directory (also SAFEDEPLOY_DATA_ROOTS); repeatable")
  List<Path> dataRoots = new ArrayList<>();

  /** The state directory, the working directory (data/... paths in the README), SAFEDEPLOY_DATA_ROOTS, --data-root. */
  public static List<Path> dataRoots(Path home, List<Path> extra) {
    List<Path> roots = new ArrayList<>(List.of(home, Path.of("")));
    roots.addAll(PlatformConfig.dataRootsFromEnv(System.getenv()));
    roots.addAll(extra);
    return roots;
  }

  @Override
  public Integer call() throws InterruptedException {
    WorkerConfig config = WorkerConfig.fromEnv();
    Path dir = (home == null ? config.home() : home).resolve("platform");
    TemporalConnection connection = config.connect(null);
    LocalPlatform platform = LocalPlatform.start(new PlatformConfig(dir, bind, platformPort, routerPort,
        new TemporalAlarmSink(connection.client()), null, 0, 0, 0, allowHosts, null)
        .withDataRoots(dataRoots(config.home(), dataRoots)));
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      platform.close();
      connection.close();
      stopped.countDown();
    }, "safedeploy-platform-shutdown"));
    System.out.println("local platform: control " + platform.url() + ", router " + platform.routerUrl()
        + ", state in " + platform.home() + "; control token in " + ControlToken.file(platform.home())
        + "; alarms signal workflows on " + config.temporalAddress());
    dev.safedeploy.worker.reconcile.Reconciler.startNotice(
        dev.safedeploy.platform.client.PlatformClient.forHome(platform.url(), platform.home()), connection.client())
        .ifPresent(System.out::println);
    stopped.await();
    return 0;
  }
}
