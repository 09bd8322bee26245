package dev.safedeploy.worker.config;

import java.nio.file.Path;
import java.util.Map;

/**
 * The worker's settings, from the environment (12-factor), with defaults that point at the embedded dev setup.
 *
 * <ul>
 *   <li>{@code TEMPORAL_ADDRESS} (127.0.0.1:7233), {@code TEMPORAL_NAMESPACE} (default), {@code TEMPORAL_API_KEY}
 *       (turns TLS on), {@code TEMPORAL_TLS} (true/false), {@code TEMPORAL_TLS_CLIENT_CERT_PATH} and
 *       {@code TEMPORAL_TLS_CLIENT_KEY_PATH} (mTLS)
 *   <li>{@code SAFEDEPLOY_BACKEND}: local (default) or aws
 *   <li>{@code SAFEDEPLOY_HOME}: the local platform's state directory (./.safedeploy)
 *   <li>{@code SAFEDEPLOY_PLATFORM_URL}: the local platform's control API (http://127.0.0.1:8765)
 *   <li>{@code SAFEDEPLOY_GATEWAY_URL}: the Slack gateway, to forward notifications to (unset: none)
 *   <li>{@code SAFEDEPLOY_METRICS_PORT}: Prometheus scrape port (9464; 0 turns metrics serving off)
 * </ul>
 */
public record WorkerConfig(
    String temporalAddress,
    String namespace,
    String apiKey,
    boolean tls,
    String tlsCertPath,
    String tlsKeyPath,
    String backend,
    Path home,
    String platformUrl,
    String gatewayUrl,
    int metricsPort) {

  public static final String DEFAULT_ADDRESS = "127.0.0.1:7233";
  public static final String DEFAULT_PLATFORM_URL = "http://127.0.0.1:8765";

  public static WorkerConfig fromEnv() {
    return fromEnv(System.getenv());
  }

  public static WorkerConfig fromEnv(Map<String, String> env) {
    String apiKey = blankToNull(env.get("TEMPORAL_API_KEY"));
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
        env.getOrDefault("TEMPORAL_ADDRESS", DEFAULT_ADDRESS),
        env.getOrDefault("TEMPORAL_NAMESPACE", "default"),
        apiKey,
        apiKey != null || Boolean.parseBoolean(env.getOrDefault("TEMPORAL_TLS", "false")),
        blankToNull(env.get("TEMPORAL_TLS_CLIENT_CERT_PATH")),
        blankToNull(env.get("TEMPORAL_TLS_CLIENT_KEY_PATH")),
        backend,
        Path.of(env.getOrDefault("SAFEDEPLOY_HOME", ".safedeploy")),
        env.getOrDefault("SAFEDEPLOY_PLATFORM_URL", DEFAULT_PLATFORM_URL),
        blankToNull(env.get("SAFEDEPLOY_GATEWAY_URL")),
        metricsPort);
  }

  public WorkerConfig withTemporalAddress(String address) {
    return new WorkerConfig(address, namespace, apiKey, tls, tlsCertPath, tlsKeyPath, backend, home, platformUrl,
        gatewayUrl, metricsPort);
  }

  public WorkerConfig withPlatformUrl(String url) {
    return new WorkerConfig(temporalAddress, namespace, apiKey, tls, tlsCertPath, tlsKeyPath, backend, home, url,
        gatewayUrl, metricsPort);
  }

  public WorkerConfig withHome(Path dir) {
    return new WorkerConfig(temporalAddress, namespace, apiKey, tls, tlsCertPath, tlsKeyPath, backend, dir,
        platformUrl, gatewayUrl, metricsPort);
  }

  public WorkerConfig withMetricsPort(int port) {
    return new WorkerConfig(temporalAddress, namespace, apiKey, tls, tlsCertPath, tlsKeyPath, backend, home,
        platformUrl, gatewayUrl, port);
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s.trim();
  }
}
