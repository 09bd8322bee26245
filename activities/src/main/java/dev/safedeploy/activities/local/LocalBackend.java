package dev.safedeploy.activities.local;

import dev.safedeploy.activities.local.activities.LocalAlarmActivitiesImpl;
import dev.safedeploy.activities.local.activities.LocalBaselineActivitiesImpl;
import dev.safedeploy.activities.local.activities.LocalEndpointActivitiesImpl;
import dev.safedeploy.activities.local.activities.LocalHookActivitiesImpl;
import dev.safedeploy.activities.local.activities.LocalJudgeActivitiesImpl;
import dev.safedeploy.activities.local.activities.LocalMonitoringActivitiesImpl;
import dev.safedeploy.activities.local.activities.LocalNotificationActivitiesImpl;
import dev.safedeploy.activities.local.activities.LocalRetrainActivitiesImpl;
import dev.safedeploy.activities.local.activities.LocalTemplateActivitiesImpl;
import dev.safedeploy.activities.local.activities.LocalTrafficActivitiesImpl;
import dev.safedeploy.activities.local.activities.LocalTrainingActivitiesImpl;

import dev.safedeploy.platform.client.ControlToken;
import dev.safedeploy.platform.client.PlatformClient;
import java.nio.file.Path;
import java.util.List;

/** The local backend's activities, all eleven ports (the pipeline's nine, the retrain entity's and the canary judge's), against one running {@code LocalPlatform}. */
public final class LocalBackend {
  private LocalBackend() {}

  /**
   * For {@code worker.registerActivitiesImplementations(LocalBackend.activities(config).toArray())}. The client
   * reads the platform's control token from its home ({@code ControlToken}), or SAFEDEPLOY_PLATFORM_TOKEN when set
   * (the only way when the home is not given).
   */
  public static List<Object> activities(LocalBackendConfig config) {
    PlatformClient client = new PlatformClient(java.net.URI.create(config.platformUrl()),
        ControlToken.resolve(config.home()));
    Path home = config.home() != null ? config.home() : Path.of(client.health().path("home").asText());
    LocalBackendConfig resolved = new LocalBackendConfig(config.platformUrl(), home, config.gatewayUrl(),
        config.alarmPeriod(), config.latencyThreshold(), config.monitoringInterval(), config.capturePercent());
    return List.of(
        new LocalTemplateActivitiesImpl(),
        new LocalTrainingActivitiesImpl(client),
        new LocalBaselineActivitiesImpl(client),
        new LocalEndpointActivitiesImpl(client, resolved),
        new LocalTrafficActivitiesImpl(client),
        new LocalAlarmActivitiesImpl(client, resolved),
        new LocalHookActivitiesImpl(client, resolved),
        new LocalNotificationActivitiesImpl(home, resolved.gatewayUrl()),
        new LocalMonitoringActivitiesImpl(client, resolved),
        new LocalRetrainActivitiesImpl(client, home),
        new LocalJudgeActivitiesImpl(client));
  }
}
