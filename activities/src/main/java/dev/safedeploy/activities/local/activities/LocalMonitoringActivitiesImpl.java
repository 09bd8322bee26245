package dev.safedeploy.activities.local.activities;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.safedeploy.activities.local.LocalBackendConfig;
import dev.safedeploy.platform.api.AlarmDefinition;
import dev.safedeploy.platform.api.DataCaptureConfig;
import dev.safedeploy.platform.api.Endpoint;
import dev.safedeploy.platform.api.MonitoringSchedule;
import dev.safedeploy.platform.client.PlatformClient;
import dev.safedeploy.platform.client.PlatformClientException;
import dev.safedeploy.workflows.activities.Failures;
import dev.safedeploy.workflows.activities.MonitoringActivities;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * MONITOR on the local platform: data capture on, a drift-monitoring schedule against the run's baseline, and the
 * seed's drift alarm: {@code feature_baseline_drift_<feature>} > 0.20, on total_amount when the baseline has it,
 * otherwise on the baseline's first feature (our baseline holds features only).
 */
public class LocalMonitoringActivitiesImpl implements MonitoringActivities {
  static final double DRIFT_THRESHOLD = 0.20;
  private static final ObjectMapper JSON = new ObjectMapper();
  private final PlatformClient platform;
  private final LocalBackendConfig config;

  public LocalMonitoringActivitiesImpl(PlatformClient platform, LocalBackendConfig config) {
    this.platform = platform;
    this.config = config;
  }

  @Override
  public MonitoringResult enableMonitoring(MonitoringRequest r) {
    Path statistics = Adapters.path(r.statisticsUri(), "statisticsUri");
    String feature = driftFeature(statistics);
    try {
      Endpoint e = platform.endpoint(r.endpointName());
      if (e == null) {
        throw ApplicationFailure.newNonRetryableFailure("endpoint " + r.endpointName() + " does not exist",
            Failures.NOT_FOUND);
      }
      if (e.dataCapture() == null || !e.dataCapture().enabled()) {
        platform.setDataCapture(r.endpointName(), new DataCaptureConfig(true, config.capturePercent()));
      }
      double interval = config.monitoringInterval().toMillis() / 1000.0;
      platform.createSchedule(new MonitoringSchedule(r.scheduleName(), r.endpointName(), statistics.toString(),
          r.constraintsUri() == null ? null : Adapters.path(r.constraintsUri(), "constraintsUri").toString(),
          interval, null));
      String alarm = r.endpointName() + "-drift-" + feature;
      // one datapoint per monitoring run: a period of one interval sees the latest; between runs the state is kept
      platform.putAlarm(new AlarmDefinition(alarm, "feature_baseline_drift_" + feature, r.endpointName(), null,
          "Maximum", interval, 1, 1, DRIFT_THRESHOLD, "GreaterThanThreshold", "ignore"));
      return new MonitoringResult(r.scheduleName(), alarm);
    } catch (PlatformClientException e) {
      throw Adapters.failure(e, Failures.NOT_FOUND);
    }
  }

  static String driftFeature(Path statistics) {
    List<String> names = new ArrayList<>();
    try {
      JsonNode root = JSON.readTree(statistics.toFile());
      root.path("features").forEach(f -> names.add(f.path("name").asText()));
    } catch (IOException e) {
      throw ApplicationFailure.newNonRetryableFailure("statistics " + statistics + " are not readable: "
          + e.getMessage(), Failures.BAD_DATA);
    }
    if (names.isEmpty()) {
      throw ApplicationFailure.newNonRetryableFailure("statistics " + statistics + " list no features",
          Failures.BAD_DATA);
    }
    return names.contains("total_amount") ? "total_amount" : names.get(0);
  }
}
