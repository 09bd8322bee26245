package dev.safedeploy.activities.local.activities;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.safedeploy.activities.local.LocalBackendConfig;
import dev.safedeploy.platform.api.Alarm;
import dev.safedeploy.platform.api.AlarmDefinition;
import dev.safedeploy.platform.api.DataCaptureConfig;
import dev.safedeploy.platform.api.Endpoint;
import dev.safedeploy.platform.api.MonitoringSchedule;
import dev.safedeploy.platform.api.ProcessingJob;
import dev.safedeploy.platform.client.PlatformClient;
import dev.safedeploy.platform.client.PlatformClientException;
import dev.safedeploy.workflows.activities.Failures;
import dev.safedeploy.workflows.activities.MonitoringActivities;
import dev.safedeploy.workflows.json.JsonMapping;
import dev.safedeploy.workflows.pipeline.DeploymentPolicy;
import dev.safedeploy.workflows.retrain.RetrainWorkflow;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * MONITOR on the local platform: data capture on, one drift-monitoring schedule per production endpoint (the live
 * version's, against its baseline; the schedules of versions it replaces are removed), and one drift alarm per
 * baseline column, {@code <endpoint>-drift-<column>} on {@code feature_baseline_drift_<column>} > the policy's
 * threshold (the seed's 0.20). The target column ({@code total_amount}) is measured on the model's predictions. Each
 * drift alarm is watched by the model's retrain workflow ({@code retrain-<model>}), which the evaluator signals (and
 * starts) when the alarm fires.
 */
public class LocalMonitoringActivitiesImpl implements MonitoringActivities {
  static final String TARGET = "total_amount";
  private static final ObjectMapper JSON = JsonMapping.mapper();
  private final PlatformClient platform;
  private final LocalBackendConfig config;

  public LocalMonitoringActivitiesImpl(PlatformClient platform, LocalBackendConfig config) {
    this.platform = platform;
    this.config = config;
  }

  /** The drift alarm of one baseline column of an endpoint. */
  public static String alarmName(String endpoint, String column) {
    return endpoint + "-drift-" + column;
  }

  @Override
  public MonitoringResult enableMonitoring(MonitoringRequest r) {
    Path statistics = Adapters.path(r.statisticsUri(), "statisticsUri");
    List<String> columns = columns(statistics);
    double threshold = threshold(r.driftThreshold());
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
      // exactly one schedule measures production: the versions this one replaced stop being measured
      for (MonitoringSchedule other : platform.schedules(r.endpointName())) {
        if (!other.name().equals(r.scheduleName())) {
          platform.deleteSchedule(other.name());
        }
      }
      List<String> alarms = putAlarms(r.model(), r.endpointName(), columns, threshold, interval);
      String main = columns.contains(TARGET) ? alarmName(r.endpointName(), TARGET) : alarms.get(0);
      return new MonitoringResult(r.scheduleName(), main, alarms);
    } catch (PlatformClientException e) {
      throw Adapters.failure(e, Failures.NOT_FOUND);
    }
  }

  @Override
  public MonitoringResult retireMonitoring(RetireRequest r) {
    try {
      platform.deleteSchedule(r.scheduleName());
      if (r.restoreVersion() == null) {
        // nothing serves: no schedule measures the endpoint, and its drift alarms have nothing to say
        for (String a : driftAlarms(r.endpointName())) {
          platform.deleteAlarm(a);
        }
        return new MonitoringResult(null, null, List.of());
      }
      ProcessingJob job;
      try {
        job = platform.processingJob(r.restoreBaselineJob());
      } catch (PlatformClientException e) {
        if (e.notFound()) {
          throw ApplicationFailure.newNonRetryableFailure("cannot restore drift monitoring of " + r.restoreVersion()
              + ": its baseline job " + r.restoreBaselineJob() + " does not exist", Failures.NOT_FOUND);
        }
        throw e;
      }
      if (job.statisticsPath() == null) {
        throw ApplicationFailure.newNonRetryableFailure("cannot restore drift monitoring of " + r.restoreVersion()
            + ": its baseline job " + job.name() + " has no statistics (" + job.status() + ")", Failures.NOT_FOUND);
      }
      return enableMonitoring(new MonitoringRequest(r.model(), r.restoreVersion(), r.endpointName(),
          r.restoreScheduleName(), Adapters.uri(job.statisticsPath()), Adapters.uri(job.constraintsPath()),
          r.driftThreshold()));
    } catch (PlatformClientException e) {
      throw Adapters.failure(e, Failures.NOT_FOUND);
    }
  }

  /** One alarm per column, watched by the retrain entity; alarms of columns the baseline no longer has go. */
  private List<String> putAlarms(String model, String endpoint, List<String> columns, double threshold,
      double interval) {
    List<String> names = new ArrayList<>();
    String retrain = RetrainWorkflow.workflowId(model);
    for (String c : columns) {
      String name = alarmName(endpoint, c);
      // one datapoint per monitoring run: a period of one interval sees the latest; between runs the state is kept
      platform.putAlarm(new AlarmDefinition(name, "feature_baseline_drift_" + c, endpoint, null, "Maximum", interval,
          1, 1, threshold, "GreaterThanThreshold", "ignore"));
      platform.watch(name, retrain);
      names.add(name);
    }
    for (String stale : driftAlarms(endpoint)) {
      if (!names.contains(stale)) {
        platform.deleteAlarm(stale);
      }
    }
    return names;
  }

  private List<String> driftAlarms(String endpoint) {
    List<String> out = new ArrayList<>();
    for (Alarm a : platform.alarms()) {
      AlarmDefinition d = a.definition();
      if (endpoint.equals(d.endpoint()) && d.metricName() != null
          && d.metricName().startsWith("feature_baseline_drift_") && d.name().startsWith(endpoint + "-drift-")) {
        out.add(d.name());
      }
    }
    return out;
  }

  static double threshold(Double t) {
    double v = t == null ? DeploymentPolicy.DEFAULT_DRIFT_THRESHOLD : t;
    if (!(v > 0 && v <= 1)) {
      throw ApplicationFailure.newNonRetryableFailure("drift threshold must be in (0, 1], got " + t,
          Failures.BAD_DATA);
    }
    return v;
  }

  /** The baseline's columns, as statistics.json lists them (the target first when the baseline has it). */
  static List<String> columns(Path statistics) {
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
    return names;
  }
}
