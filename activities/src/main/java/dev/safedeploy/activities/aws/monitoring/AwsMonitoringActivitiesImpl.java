package dev.safedeploy.activities.aws.monitoring;

import dev.safedeploy.activities.aws.AwsBackendConfig;
import dev.safedeploy.activities.aws.cloudformation.StackDeployer;
import dev.safedeploy.activities.aws.cloudformation.Templates;
import dev.safedeploy.activities.aws.cloudwatch.AlarmNames;
import dev.safedeploy.activities.aws.sagemaker.AwsEndpointActivitiesImpl;
import dev.safedeploy.activities.aws.sagemaker.SageMakerImages;
import dev.safedeploy.workflows.activities.MonitoringActivities;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Drift monitoring through the monitoring stack ({@code safedeploy-<endpoint>-monitoring}, monitoring.yml): an hourly
 * data-quality schedule against this run's baseline and the drift alarm. Create-or-update, so re-running it (or
 * promoting the next version, which swaps the schedule) is idempotent.
 */
public class AwsMonitoringActivitiesImpl implements MonitoringActivities {

  private final StackDeployer stacks;
  private final AwsBackendConfig config;

  public AwsMonitoringActivitiesImpl(StackDeployer stacks, AwsBackendConfig config) {
    this.stacks = stacks;
    this.config = config;
  }

  public static String stackName(String endpointName) {
    return AwsEndpointActivitiesImpl.stackName(endpointName) + "-monitoring";
  }

  @Override
  public MonitoringResult enableMonitoring(MonitoringRequest r) {
    Map<String, String> params = new LinkedHashMap<>();
    params.put("ModelName", r.model());
    params.put("EndpointName", r.endpointName());
    params.put("ScheduleName", r.scheduleName());
    params.put("AnalyzerImageUri", SageMakerImages.modelMonitorAnalyzer(config.region()));
    params.put("StatisticsS3Uri", r.statisticsUri());
    params.put("ConstraintsS3Uri", r.constraintsUri());
    params.put("ReportsS3Uri", config.s3Uri("monitoring/" + r.endpointName() + "/" + r.scheduleName()));
    params.put("ExecutionRoleArn", config.sageMakerRoleArn());
    if (r.driftThreshold() != null) {
      params.put("DriftThreshold", String.valueOf(r.driftThreshold()));
    }
    Map<String, String> out = stacks.deploy(stackName(r.endpointName()), Templates.MONITORING, params,
        Map.of(AwsEndpointActivitiesImpl.TAG_MODEL, r.model(), AwsEndpointActivitiesImpl.TAG_VERSION, r.version()));
    return new MonitoringResult(out.getOrDefault("ScheduleName", r.scheduleName()),
        out.getOrDefault("DriftAlarmName", AlarmNames.drift(r.endpointName())));
  }

  /**
   * The stack holds the one schedule of the endpoint: a rolled-back version's is swapped back to the restored
   * version's baseline (where the baseline step wrote it, by model and version), or the stack goes when nothing
   * serves.
   */
  @Override
  public MonitoringResult retireMonitoring(RetireRequest r) {
    if (r.restoreVersion() == null) {
      stacks.delete(stackName(r.endpointName()));
      return new MonitoringResult(null, null, java.util.List.of());
    }
    String base = config.s3Uri("baselines/" + r.model() + "/" + r.restoreVersion());
    base = base.endsWith("/") ? base : base + "/";
    return enableMonitoring(new MonitoringRequest(r.model(), r.restoreVersion(), r.endpointName(),
        r.restoreScheduleName(), base + "statistics.json", base + "constraints.json", r.driftThreshold()));
  }
}
