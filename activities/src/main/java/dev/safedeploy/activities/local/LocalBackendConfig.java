package dev.safedeploy.activities.local;

import java.nio.file.Path;
import java.time.Duration;

/**
 * What the local adapters need: where the platform is, and the alarm and monitoring timings of the alarms they make.
 *
 * @param platformUrl the platform's control API ({@code LocalPlatform.url()})
 * @param home the platform's home (for the capture check and notifications.jsonl); null asks the platform
 * @param gatewayUrl the approval gateway; when set, notifications are also POSTed to {@code <gateway>/internal/notify}
 * @param alarmPeriod the period of the default canary alarms (CloudWatch's 60 s; the demo uses 1-2 s)
 * @param latencyThreshold the default latency alarm's p99 bound
 * @param monitoringInterval how often the drift monitor runs (Model Monitor's hourly; shorter for demos)
 * @param capturePercent sampling percentage of data capture on production endpoints
 */
public record LocalBackendConfig(String platformUrl, Path home, String gatewayUrl, Duration alarmPeriod,
    Duration latencyThreshold, Duration monitoringInterval, int capturePercent) {

  public static final String ENV_GATEWAY = "SAFEDEPLOY_GATEWAY_URL";
  public static final String ENV_ALARM_PERIOD = "SAFEDEPLOY_ALARM_PERIOD_SECONDS";
  public static final String ENV_MONITORING_INTERVAL = "SAFEDEPLOY_MONITORING_INTERVAL_SECONDS";

  public LocalBackendConfig {
    if (platformUrl == null || platformUrl.isBlank()) {
      throw new IllegalArgumentException("LocalBackendConfig.platformUrl is required");
    }
    gatewayUrl = gatewayUrl == null || gatewayUrl.isBlank() ? null : gatewayUrl;
    alarmPeriod = positive(alarmPeriod, Duration.ofSeconds(60));
    latencyThreshold = positive(latencyThreshold, Duration.ofSeconds(1));
    monitoringInterval = positive(monitoringInterval, Duration.ofHours(1));
    capturePercent = capturePercent <= 0 || capturePercent > 100 ? 100 : capturePercent;
  }

  /**
   * The worker's configuration: the timings default, overridable with SAFEDEPLOY_ALARM_PERIOD_SECONDS and
   * SAFEDEPLOY_MONITORING_INTERVAL_SECONDS.
   */
  public LocalBackendConfig(String platformUrl, Path home, String gatewayUrl) {
    this(platformUrl, home, gatewayUrl, seconds(ENV_ALARM_PERIOD), null, seconds(ENV_MONITORING_INTERVAL), 0);
  }

  public static LocalBackendConfig of(String platformUrl, Path home) {
    return new LocalBackendConfig(platformUrl, home, null, null, null, null, 0);
  }

  public LocalBackendConfig withAlarmPeriod(Duration d) {
    return new LocalBackendConfig(platformUrl, home, gatewayUrl, d, latencyThreshold, monitoringInterval,
        capturePercent);
  }

  public LocalBackendConfig withMonitoringInterval(Duration d) {
    return new LocalBackendConfig(platformUrl, home, gatewayUrl, alarmPeriod, latencyThreshold, d, capturePercent);
  }

  public LocalBackendConfig withGatewayUrl(String url) {
    return new LocalBackendConfig(platformUrl, home, url, alarmPeriod, latencyThreshold, monitoringInterval,
        capturePercent);
  }

  private static Duration seconds(String env) {
    String v = System.getenv(env);
    if (v == null || v.isBlank()) {
      return null;
    }
    try {
      return Duration.ofMillis(Math.round(Double.parseDouble(v.trim()) * 1000));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(env + " must be a number of seconds, got '" + v + "'");
    }
  }

  private static Duration positive(Duration d, Duration dflt) {
    return d == null || d.isZero() || d.isNegative() ? dflt : d;
  }
}
