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
import dev.safedeploy.platform.data.DataPreparation;
import dev.safedeploy.workflows.activities.Failures;
import dev.safedeploy.workflows.activities.MonitoringActivities;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Drift monitoring through the monitoring stack ({@code safedeploy-<endpoint>-monitoring}, monitoring.yml): an hourly
 * data-quality schedule against this run's baseline and the total_amount drift alarm; then one drift alarm per other
 * baselined feature ({@link DriftAlarms}). The features are read from the baseline's statistics.json, and its
 * constraints must emit metrics, or no alarm could ever fire. Create-or-update, so re-running it (or promoting the
 * next version, which swaps the schedule) is idempotent.
 */
public class AwsMonitoringActivitiesImpl implements MonitoringActivities {

  private static final Logger log = LoggerFactory.getLogger(AwsMonitoringActivitiesImpl.class);
  /** The seed's drift threshold (monitoring.yml's DriftThreshold default). */
  static final double DRIFT_THRESHOLD = 0.2;
  private static final ObjectMapper JSON = new ObjectMapper();

  private final StackDeployer stacks;
  private final S3Client s3;
  private final CloudWatchClient cloudWatch;
  private final AwsBackendConfig config;

  public AwsMonitoringActivitiesImpl(StackDeployer stacks, S3Client s3, CloudWatchClient cloudWatch,
      AwsBackendConfig config) {
    this.stacks = stacks;
    this.s3 = s3;
    this.cloudWatch = cloudWatch;
    this.config = config;
  }

  public static String stackName(String endpointName) {
    return AwsEndpointActivitiesImpl.stackName(endpointName) + "-monitoring";
  }

  @Override
  public MonitoringResult enableMonitoring(MonitoringRequest r) {
    List<String> features = baselinedFeatures(r.statisticsUri());
    if (!features.contains(DataPreparation.TARGET)) {
      throw ApplicationFailure.newNonRetryableFailure("baseline " + r.statisticsUri() + " has no "
          + DataPreparation.TARGET + " (features " + features + "): its drift alarm would watch a metric that is "
          + "never published", Failures.BAD_DATA);
    }
    requireEmittedMetrics(r.constraintsUri());
    Map<String, String> params = new LinkedHashMap<>();
    params.put("ModelName", r.model());
    params.put("EndpointName", r.endpointName());
    params.put("ScheduleName", r.scheduleName());
    params.put("AnalyzerImageUri", SageMakerImages.modelMonitorAnalyzer(config.region()));
    params.put("StatisticsS3Uri", r.statisticsUri());
    params.put("ConstraintsS3Uri", r.constraintsUri());
    params.put("ReportsS3Uri", config.s3Uri("monitoring/" + r.endpointName() + "/" + r.scheduleName()));
    params.put("ExecutionRoleArn", config.sageMakerRoleArn());
    params.put("DriftThreshold", Double.toString(DRIFT_THRESHOLD));
    Map<String, String> out = stacks.deploy(stackName(r.endpointName()), Templates.MONITORING, params,
        Map.of(AwsEndpointActivitiesImpl.TAG_MODEL, r.model(), AwsEndpointActivitiesImpl.TAG_VERSION, r.version()));
    List<String> featureAlarms = DriftAlarms.ensure(cloudWatch, r.endpointName(), r.scheduleName(), r.model(),
        features, DataPreparation.TARGET, DRIFT_THRESHOLD);
    log.info("drift monitoring of {}: schedule {}, alarms on {} and {}", r.endpointName(), r.scheduleName(),
        DataPreparation.TARGET, featureAlarms);
    return new MonitoringResult(out.getOrDefault("ScheduleName", r.scheduleName()),
        out.getOrDefault("DriftAlarmName", AlarmNames.drift(r.endpointName())));
  }

  /** The feature names of Model Monitor's statistics.json, in its order. */
  List<String> baselinedFeatures(String statisticsUri) {
    JsonNode stats = read(statisticsUri);
    List<String> names = new ArrayList<>();
    for (JsonNode f : stats.path("features")) {
      if (f.hasNonNull("name")) {
        names.add(f.get("name").asText());
      }
    }
    if (names.isEmpty()) {
      throw ApplicationFailure.newNonRetryableFailure("baseline statistics " + statisticsUri + " list no features",
          Failures.BAD_DATA);
    }
    return names;
  }

  private void requireEmittedMetrics(String constraintsUri) {
    JsonNode emit = read(constraintsUri).path("monitoring_config").path("emit_metrics");
    if (!emit.isMissingNode() && !"Enabled".equalsIgnoreCase(emit.asText())) {
      throw ApplicationFailure.newNonRetryableFailure("baseline constraints " + constraintsUri + " have emit_metrics "
          + emit.asText() + ": Model Monitor would publish no drift metric for the alarms", Failures.BAD_DATA);
    }
  }

  private JsonNode read(String uri) {
    S3Location loc = S3Location.parse(uri);
    try {
      return JSON.readTree(s3.getObjectAsBytes(b -> b.bucket(loc.bucket()).key(loc.key())).asInputStream());
    } catch (NoSuchKeyException e) {
      throw ApplicationFailure.newNonRetryableFailure("baseline file not found: " + uri, Failures.BAD_DATA);
    } catch (S3Exception e) {
      if (S3Errors.isAccessDenied(e)) {
        throw S3Errors.accessDenied("reading", uri, "s3:GetObject", "ArtifactPrefix");
      }
      throw e;
    } catch (IOException e) {
      throw ApplicationFailure.newNonRetryableFailure("baseline file " + uri + " is not JSON: " + e.getMessage(),
          Failures.BAD_DATA);
    }
  }
}
