package dev.safedeploy.workflows.activities;

import io.temporal.activity.ActivityInterface;
import java.util.List;

/**
 * MONITOR: data capture and a drift-monitoring schedule on the production endpoint, against this run's baseline, and
 * a drift alarm per baseline column. Exactly one schedule per production endpoint: the live version's.
 */
@ActivityInterface
public interface MonitoringActivities {

  /**
   * @param driftThreshold the drift alarms' threshold (null: the seed's 0.20)
   */
  record MonitoringRequest(String model, String version, String endpointName, String scheduleName,
      String statisticsUri, String constraintsUri, Double driftThreshold) {

    public MonitoringRequest(String model, String version, String endpointName, String scheduleName,
        String statisticsUri, String constraintsUri) {
      this(model, version, endpointName, scheduleName, statisticsUri, constraintsUri, null);
    }
  }

  /**
   * @param driftAlarmName the alarm on {@code feature_baseline_drift_total_amount} (the target, as the seed's)
   * @param driftAlarmNames every drift alarm of the endpoint, one per baseline column (null in results recorded
   *     before there was more than one)
   */
  record MonitoringResult(String scheduleName, String driftAlarmName, List<String> driftAlarmNames) {

    public MonitoringResult(String scheduleName, String driftAlarmName) {
      this(scheduleName, driftAlarmName, driftAlarmName == null ? List.of() : List.of(driftAlarmName));
    }
  }

  /**
   * A version whose monitoring had begun stops being live (rolled back in its watch window).
   *
   * @param scheduleName its schedule, removed
   * @param restoreVersion the version production serves again, whose schedule comes back (null: none, the endpoint
   *     is gone and its drift alarms go with it)
   * @param restoreScheduleName that version's schedule name
   * @param restoreBaselineJob that version's baseline job, whose statistics the schedule measures against
   */
  record RetireRequest(String model, String version, String endpointName, String scheduleName,
      String restoreVersion, String restoreScheduleName, String restoreBaselineJob, Double driftThreshold) {}

  MonitoringResult enableMonitoring(MonitoringRequest request);

  /** Idempotent: a schedule already gone is fine; the restored one is created or adopted. */
  MonitoringResult retireMonitoring(RetireRequest request);
}
