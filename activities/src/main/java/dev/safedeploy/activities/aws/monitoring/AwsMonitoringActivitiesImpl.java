package dev.safedeploy.activities.aws.monitoring;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.safedeploy.activities.aws.AwsBackendConfig;
import dev.safedeploy.activities.aws.cloudformation.StackDeployer;
import dev.safedeploy.activities.aws.cloudformation.Templates;
import dev.safedeploy.activities.aws.cloudwatch.AlarmNames;
import dev.safedeploy.activities.aws.cloudwatch.DriftAlarms;
import dev.safedeploy.activities.aws.s3.S3Errors;
import dev.safedeploy.activities.aws.s3.S3Location;
import dev.safedeploy.activities.aws.sagemaker.AwsEndpointActivitiesImpl;
import dev.safedeploy.activities.aws.sagemaker.SageMakerImages;
import dev.safedeploy.workflows.activities.Failures;
import dev.safedeploy.workflows.activities.MonitoringActivities;
import dev.safedeploy.workflows.json.JsonMapping;
import dev.safedeploy.workflows.pipeline.DeploymentPolicy;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Drift monitoring through the monitoring stack ({@code safedeploy-<endpoint>-monitoring}, monitoring.yml): the
 * endpoint's one hourly data-quality schedule, against the baseline of the version promoted last (promoting the next
 * version swaps it). Beside it, one drift alarm per column of that baseline's statistics.json ({@link DriftAlarms}),
 * tagged so that the alarm bridge starts the model's retrain workflow. Create-or-update, so re-running is idempotent.
 */
public class AwsMonitoringActivitiesImpl implements MonitoringActivities {
  static final String TARGET = "total_amount";
  private static final Logger log = LoggerFactory.getLogger(AwsMonitoringActivitiesImpl.class);
  private static final ObjectMapper JSON = JsonMapping.mapper();

  private final StackDeployer stacks;
  private final CloudWatchClient cloudWatch;
  private final S3Client s3;
  private final AwsBackendConfig config;

  public AwsMonitoringActivitiesImpl(StackDeployer stacks, CloudWatchClient cloudWatch, S3Client s3,
      AwsBackendConfig config) {
    this.stacks = stacks;
    this.cloudWatch = cloudWatch;
    this.s3 = s3;
    this.config = config;
  }

  public static String stackName(String endpointName) {
    return AwsEndpointActivitiesImpl.stackName(endpointName) + "-monitoring";
  }

  @Override
  public MonitoringResult enableMonitoring(MonitoringRequest r) {
    double threshold = r.driftThreshold() == null ? DeploymentPolicy.DEFAULT_DRIFT_THRESHOLD : r.driftThreshold();
    if (!(threshold > 0 && threshold <= 1)) {
      throw ApplicationFailure.newNonRetryableFailure("drift threshold must be in (0, 1], got " + threshold,
          Failures.BAD_DATA);
    }
    List<String> columns = columns(r.statisticsUri());
    Map<String, String> params = new LinkedHashMap<>();
    params.put("ModelName", r.model());
    params.put("EndpointName", r.endpointName());
    params.put("ScheduleName", r.scheduleName());
    params.put("AnalyzerImageUri", SageMakerImages.modelMonitorAnalyzer(config.region()));
    params.put("StatisticsS3Uri", r.statisticsUri());
    params.put("ConstraintsS3Uri", r.constraintsUri());
    params.put("ReportsS3Uri", config.s3Uri("monitoring/" + r.endpointName() + "/" + r.scheduleName()));
    params.put("ExecutionRoleArn", config.sageMakerRoleArn());
    Map<String, String> out = stacks.deploy(stackName(r.endpointName()), Templates.MONITORING, params,
        Map.of(AwsEndpointActivitiesImpl.TAG_MODEL, r.model(), AwsEndpointActivitiesImpl.TAG_VERSION, r.version()));
    String schedule = out.getOrDefault("ScheduleName", r.scheduleName());
    List<String> alarms = DriftAlarms.ensure(cloudWatch, r.model(), r.endpointName(), schedule, columns, threshold);
    String main = columns.contains(TARGET) ? AlarmNames.drift(r.endpointName(), TARGET) : alarms.get(0);
    return new MonitoringResult(schedule, main, alarms);
  }

  /**
   * The stack holds the one schedule of the endpoint: a rolled-back version's is swapped back to the restored
   * version's baseline (where the baseline step wrote it, by model and version), or the stack and the drift alarms
   * go when nothing serves.
   */
  @Override
  public MonitoringResult retireMonitoring(RetireRequest r) {
    if (r.restoreVersion() == null) {
      stacks.delete(stackName(r.endpointName()));
      DriftAlarms.deleteAll(cloudWatch, r.endpointName());
      return new MonitoringResult(null, null, List.of());
    }
    String base = config.s3Uri("baselines/" + r.model() + "/" + r.restoreVersion());
    base = base.endsWith("/") ? base : base + "/";
    return enableMonitoring(new MonitoringRequest(r.model(), r.restoreVersion(), r.endpointName(),
        r.restoreScheduleName(), base + "statistics.json", base + "constraints.json", r.driftThreshold()));
  }

  /**
   * The columns of the baseline's statistics.json (target first, as the seed's). A baseline job that wrote none
   * (an emulator's, which completes jobs without running them) leaves the seed's one alarm, on the target.
   */
  List<String> columns(String statisticsUri) {
    S3Location loc;
    try {
      loc = S3Location.parse(statisticsUri);
    } catch (IllegalArgumentException e) {
      throw ApplicationFailure.newNonRetryableFailure("statisticsUri: " + e.getMessage(), Failures.BAD_DATA);
    }
    try (InputStream in = s3.getObject(b -> b.bucket(loc.bucket()).key(loc.key()))) {
      JsonNode root = JSON.readTree(in);
      List<String> names = new ArrayList<>();
      root.path("features").forEach(f -> names.add(f.path("name").asText()));
      if (names.isEmpty()) {
        throw ApplicationFailure.newNonRetryableFailure("statistics " + statisticsUri + " list no features",
            Failures.BAD_DATA);
      }
      return names;
    } catch (NoSuchKeyException | NoSuchBucketException e) {
      log.warn("statistics {} do not exist: one drift alarm, on {}", statisticsUri, TARGET);
      return List.of(TARGET);
    } catch (S3Exception e) {
      if (S3Errors.isAccessDenied(e)) {
        throw S3Errors.accessDenied("reading", statisticsUri, "s3:GetObject", "ArtifactPrefix");
      }
      throw e;
    } catch (IOException e) {
      throw ApplicationFailure.newNonRetryableFailure("statistics " + statisticsUri + " are not readable JSON: "
          + e.getMessage(), Failures.BAD_DATA);
    }
  }
}
