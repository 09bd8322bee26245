package dev.safedeploy.workflows.activities;

import io.temporal.activity.ActivityInterface;

/** MONITOR: data capture and a drift-monitoring schedule on the production endpoint, against this run's baseline. */
@ActivityInterface
public interface MonitoringActivities {

  record MonitoringRequest(String model, String version, String endpointName, String scheduleName,
      String statisticsUri, String constraintsUri) {}

  /** @param driftAlarmName the alarm on {@code feature_baseline_drift_total_amount} > 0.20 */
  record MonitoringResult(String scheduleName, String driftAlarmName) {}

  MonitoringResult enableMonitoring(MonitoringRequest request);
}
