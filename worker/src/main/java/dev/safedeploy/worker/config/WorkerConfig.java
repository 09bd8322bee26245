package dev.safedeploy.worker.config;

import com.uber.m3.tally.Scope;
import dev.safedeploy.workflows.client.TemporalConnection;
import java.nio.file.Path;
import java.util.Map;

/**
 * The worker's settings, from the environment (12-factor), with defaults that point at the local dev setup.
 *
 * <ul>
 *   <li>Temporal: the standard client configuration every safedeploy process reads ({@link TemporalConnection}: a
 *       temporal.toml profile, then {@code TEMPORAL_ADDRESS}, {@code TEMPORAL_NAMESPACE}, {@code TEMPORAL_API_KEY},
 *       {@code TEMPORAL_TLS*}); default 127.0.0.1:7233, namespace default
 *   <li>{@code SAFEDEPLOY_BACKEND}: local (default) or aws
 *   <li>{@code SAFEDEPLOY_HOME}: the local platform's state directory (./.safedeploy)
 *   <li>{@code SAFEDEPLOY_PLATFORM_URL}: the local platform's control API (http://127.0.0.1:8765); its control token
 *       is read from {@code $SAFEDEPLOY_HOME/platform/control-token}, or {@code SAFEDEPLOY_PLATFORM_TOKEN} when set
 *   <li>{@code SAFEDEPLOY_GATEWAY_URL}: the Slack gateway, to forward notifications to (unset: none)
 *   <li>{@code SAFEDEPLOY_METRICS_PORT}: Prometheus scrape port (9464; 0 turns metrics serving off)
 * </ul>
 */
public record WorkerConfig(
    TemporalConnection.Settings temporal,
    String backend,
    Path home,
    String platformUrl,
    String gatewayUrl,
    int metricsPort) {

  public static final String DEFAULT_PLATFORM_URL = "http://127.0.0.1:8765";

  public static WorkerConfig fromEnv() {
    return fromEnv(System.getenv());
  }

  public static WorkerConfig fromEnv(Map<String, String> env) {
    String backend = env.getOrDefault("SAFEDEPLOY_BACKEND", "local").trim().toLowerCase();
    if (!backend.equals("local") && !backend.equals("aws")) {
      throw new IllegalArgumentException("SAFEDEPLOY_BACKEND must be local or aws, got '" + backend + "'");
    }
    String metrics = env.getOrDefault("SAFEDEPLOY_METRICS_PORT", "9464");
    int metricsPort;
    try {
      metricsPort = Integer.parseInt(metrics.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("SAFEDEPLOY_METRICS_PORT must be a port number, got '" + metrics + "'");
    }
    return new WorkerConfig(
        TemporalConnection.resolve(env),
        backend,
        Path.of(env.getOrDefault("SAFEDEPLOY_HOME", ".safedeploy")),
        env.getOrDefault("SAFEDEPLOY_PLATFORM_URL", DEFAULT_PLATFORM_URL),
        blankToNull(env.get("SAFEDEPLOY_GATEWAY_URL")),
        metricsPort);
  }

  /** Opens the connection lazily: a worker that starts before its server keeps retrying until it answers. */
  public TemporalConnection connect(Scope metrics) {
    return TemporalConnection.open(temporal, new TemporalConnection.Options(null, "safedeploy-worker", metrics));
  }

  public String temporalAddress() {
    return temporal.address();
  }

  public String namespace() {
    return temporal.namespace();
  }

  public WorkerConfig withTemporalAddress(String address) {
    return new WorkerConfig(temporal.withAddress(address), backend, home, platformUrl, gatewayUrl, metricsPort);
  }

  public WorkerConfig withPlatformUrl(String url) {
    return new WorkerConfig(temporal, backend, home, url, gatewayUrl, metricsPort);
  }

  public WorkerConfig withHome(Path dir) {
    return new WorkerConfig(temporal, backend, dir, platformUrl, gatewayUrl, metricsPort);
  }

  public WorkerConfig withMetricsPort(int port) {
    return new WorkerConfig(temporal, backend, home, platformUrl, gatewayUrl, port);
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s.trim();
  }
}
