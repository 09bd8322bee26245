package dev.safedeploy.bench;

import dev.safedeploy.activities.local.LocalBackend;
import dev.safedeploy.activities.local.LocalBackendConfig;
import dev.safedeploy.platform.alarms.TemporalAlarmSink;
import dev.safedeploy.platform.control.LocalPlatform;
import dev.safedeploy.platform.control.PlatformConfig;
import dev.safedeploy.worker.PipelineWorker;
import dev.safedeploy.worker.config.WorkerConfig;
import dev.safedeploy.worker.temporal.TemporalServer;
import dev.safedeploy.worker.temporal.TemporalServers;
import dev.safedeploy.workflows.client.TemporalConnection;
import io.temporal.client.WorkflowClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * A Temporal server (the temporal CLI's dev server wherever the CLI exists, else the embedded one) and the local
 * platform (alarms signal the workflows), with or without an in-process worker. The platform can be restarted on the same home and ports, as a crashed and restarted platform process would
 * be; the reliability suite runs its workers as separate processes against this.
 */
public final class LocalStack implements AutoCloseable {

  private final TemporalServer server;
  private final TemporalConnection connection;
  private final Path home;
  private final Duration alarmPeriod;
  private volatile LocalPlatform platform;
  private PipelineWorker worker;

  private LocalStack(TemporalServer server, TemporalConnection connection, Path home, Duration alarmPeriod) {
    this.server = server;
    this.connection = connection;
    this.home = home;
    this.alarmPeriod = alarmPeriod;
  }

  /**
   * @param home the stack's directory; the platform keeps its state in {@code home/platform}, as the worker's
   *     SAFEDEPLOY_HOME expects
   * @param alarmPeriod the period of the canary alarms the in-process worker creates
   */
  public static LocalStack start(Path home, boolean runWorker, Duration alarmPeriod) {
    return start(home, runWorker, alarmPeriod, TemporalServers.Mode.AUTO);
  }

  public static LocalStack start(Path home, boolean runWorker, Duration alarmPeriod, TemporalServers.Mode mode) {
    TemporalServer server = TemporalServers.start(new TemporalServers.Request(mode, 0, 0,
        home.toAbsolutePath().resolve("temporal")), System.getenv(), System.err);
    LocalStack stack = null;
    try {
      TemporalConnection connection = WorkerConfig.fromEnv(Map.of()).withTemporalAddress(server.address())
            .connect(null);
      stack = new LocalStack(server, connection, home.toAbsolutePath(), alarmPeriod);
      stack.platform = LocalPlatform.start(stack.platformConfig(0, 0));
      if (runWorker) {
        stack.worker = PipelineWorker.start(connection.client(), LocalBackend.activities(
            LocalBackendConfig.of(stack.platform.url().toString(), stack.platform.home()).withAlarmPeriod(alarmPeriod)));
      }
      return stack;
    } catch (RuntimeException e) {
      if (stack != null) {
        stack.close();
      } else {
        server.close();
      }
      throw e;
    }
  }

  private PlatformConfig platformConfig(int controlPort, int routerPort) {
    // the stack's data (generated under home) and the suites' temporary files may be read
    return PlatformConfig.of(home.resolve("platform")).withPorts(controlPort, routerPort)
        .withAlarmSink(new TemporalAlarmSink(connection.client()))
        .withDataRoots(dev.safedeploy.worker.cli.PlatformCommand.dataRoots(home, java.util.List.of()));
  }

  /** Stops the platform and starts a new one on the same home and ports: its endpoints come back from disk. */
  public LocalPlatform restartPlatform() {
    int control = platform.url().getPort();
    int router = platform.routerUrl().getPort();
    platform.close();
    platform = LocalPlatform.start(platformConfig(control, router));
    return platform;
  }

  public LocalPlatform platform() {
    return platform;
  }

  public WorkflowClient client() {
    return connection.client();
  }

  public String temporalAddress() {
    return server.address();
  }

  public TemporalServer temporalServer() {
    return server;
  }

  public Path home() {
    return home;
  }

  public Duration alarmPeriod() {
    return alarmPeriod;
  }

  @Override
  public void close() {
    if (worker != null) {
      worker.close();
    }
    if (platform != null) {
      platform.close();
    }
    connection.close();
    server.close();
  }
}
