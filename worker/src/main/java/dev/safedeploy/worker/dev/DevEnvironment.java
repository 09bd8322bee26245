package dev.safedeploy.worker.dev;

import dev.safedeploy.activities.local.LocalBackend;
import dev.safedeploy.activities.local.LocalBackendConfig;
import dev.safedeploy.platform.alarms.TemporalAlarmSink;
import dev.safedeploy.platform.control.LocalPlatform;
import dev.safedeploy.platform.control.PlatformConfig;
import dev.safedeploy.worker.PipelineWorker;
import dev.safedeploy.worker.config.WorkerConfig;
import dev.safedeploy.worker.metrics.PrometheusMetrics;
import dev.safedeploy.worker.temporal.TemporalServer;
import dev.safedeploy.worker.temporal.TemporalServers;
import dev.safedeploy.workflows.client.TemporalConnection;
import io.temporal.client.WorkflowClient;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Everything on one machine: a Temporal server (the temporal CLI's dev server, with its state in
 * {@code <home>/temporal}, or the embedded fallback), the local model platform (whose alarms signal the workflows),
 * and a worker with the local backend. Without the worker it is the "platform side" that the reliability suite keeps
 * running while it kills and restarts worker processes.
 */
public final class DevEnvironment implements AutoCloseable {

  /**
   * @param temporal which Temporal server ({@link TemporalServers.Mode#AUTO}: the CLI's dev server when found)
   * @param temporalPort 0 picks a free port
   * @param uiPort the dev server's Web UI (0 = free port)
   * @param controlPort the platform's control API (0 = free port)
   * @param routerPort the platform's invocation router (0 = free port)
   * @param metricsPort Prometheus scrape port for the worker (0 = off)
   * @param alarmPeriod period of the canary alarms the worker creates (null: SAFEDEPLOY_ALARM_PERIOD_SECONDS or 60 s)
   * @param monitoringInterval how often drift monitoring runs (null: SAFEDEPLOY_MONITORING_INTERVAL_SECONDS or 1 h)
   */
  public record Options(Path home, TemporalServers.Mode temporal, int temporalPort, int uiPort, int controlPort,
      int routerPort, boolean runWorker, int metricsPort, String gatewayUrl, Duration alarmPeriod,
      Duration monitoringInterval) {

    public Options(Path home, TemporalServers.Mode temporal, int temporalPort, int uiPort, int controlPort,
        int routerPort, boolean runWorker, int metricsPort, String gatewayUrl, Duration alarmPeriod) {
      this(home, temporal, temporalPort, uiPort, controlPort, routerPort, runWorker, metricsPort, gatewayUrl,
          alarmPeriod, null);
    }
  }

  private final TemporalServer server;
  private final PrometheusMetrics metrics;
  private final TemporalConnection connection;
  private final LocalPlatform platform;
  private final PipelineWorker worker;

  private DevEnvironment(TemporalServer server, PrometheusMetrics metrics, TemporalConnection connection,
      LocalPlatform platform, PipelineWorker worker) {
    this.server = server;
    this.metrics = metrics;
    this.connection = connection;
    this.platform = platform;
    this.worker = worker;
  }

  /** @param notices where the one-line notices go (which server, the fallback) */
  public static DevEnvironment start(Options options, java.io.PrintStream notices) {
    TemporalServer server = TemporalServers.start(new TemporalServers.Request(options.temporal(),
        options.temporalPort(), options.uiPort(), options.home().resolve("temporal")), System.getenv(), notices);
    PrometheusMetrics metrics = null;
    TemporalConnection connection = null;
    LocalPlatform platform = null;
    try {
      metrics = PrometheusMetrics.start(options.metricsPort());
      WorkerConfig config = WorkerConfig.fromEnv(java.util.Map.of()).withTemporalAddress(server.address());
      connection = config.connect(metrics.scope());
      String attributes = connection.ensureSearchAttributes();
      if (attributes != null) {
        notices.println("safedeploy: " + attributes);
      }
      platform = LocalPlatform.start(PlatformConfig.of(options.home().resolve("platform"))
          .withPorts(options.controlPort(), options.routerPort())
          .withAlarmSink(new TemporalAlarmSink(connection.client()))
          .withDataRoots(dev.safedeploy.worker.cli.PlatformCommand.dataRoots(options.home(), java.util.List.of())));
      PipelineWorker worker = options.runWorker()
          ? PipelineWorker.start(connection.client(), LocalBackend.activities(backendConfig(options, platform)))
          : null;
      dev.safedeploy.worker.reconcile.Reconciler.startNotice(
          dev.safedeploy.platform.client.PlatformClient.forHome(platform.url(), platform.home()), connection.client())
          .ifPresent(notices::println);
      return new DevEnvironment(server, metrics, connection, platform, worker);
    } catch (RuntimeException e) {
      if (platform != null) {
        platform.close();
      }
      if (connection != null) {
        connection.close();
      }
      if (metrics != null) {
        metrics.close();
      }
      server.close();
      throw e;
    }
  }

  private static LocalBackendConfig backendConfig(Options options, LocalPlatform platform) {
    LocalBackendConfig config = new LocalBackendConfig(platform.url().toString(), platform.home(),
        options.gatewayUrl());
    config = options.alarmPeriod() == null ? config : config.withAlarmPeriod(options.alarmPeriod());
    return options.monitoringInterval() == null ? config : config.withMonitoringInterval(options.monitoringInterval());
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

  public LocalPlatform platform() {
    return platform;
  }

  public PrometheusMetrics metrics() {
    return metrics;
  }

  @Override
  public void close() {
    if (worker != null) {
      worker.close();
    }
    platform.close();
    connection.close();
    metrics.close();
    server.close();
  }
}
