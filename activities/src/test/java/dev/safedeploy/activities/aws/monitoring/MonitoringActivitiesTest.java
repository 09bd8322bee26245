package dev.safedeploy.activities.aws.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.safedeploy.activities.aws.ActivityTesting;
import dev.safedeploy.activities.aws.MotoServer;
import dev.safedeploy.activities.aws.MotoServerExtension;
import dev.safedeploy.activities.aws.cloudformation.StackDeployer;
import dev.safedeploy.workflows.activities.MonitoringActivities;
import dev.safedeploy.workflows.activities.MonitoringActivities.MonitoringRequest;
import dev.safedeploy.workflows.activities.MonitoringActivities.MonitoringResult;
import dev.safedeploy.workflows.activities.Failures;
import io.temporal.failure.ApplicationFailure;
import java.util.Map;
import software.amazon.awssdk.core.sync.RequestBody;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * moto: the real monitoring.yml deployed as a stack with this run's baseline. moto's CloudFormation skips
 * AWS::SageMaker::MonitoringSchedule and AWS::CloudWatch::Alarm (unsupported types), so what is checked here is the
 * stack and its parameters; the resources themselves are checked by cfn-lint.
 */
@ExtendWith(MotoServerExtension.class)
public class MonitoringActivitiesTest {

  /** Model Monitor's statistics.json, trimmed to what is read: the baselined columns, target first. */
  public static String statistics(String... features) {
    StringBuilder s = new StringBuilder("{\"version\": 0.0, \"dataset\": {\"item_count\": 3}, \"features\": [");
    for (int i = 0; i < features.length; i++) {
      s.append(i == 0 ? "" : ",").append("{\"name\": \"").append(features[i])
          .append("\", \"inferred_type\": \"Fractional\", \"numerical_statistics\": {\"common\": {}}}");
    }
    return s.append("]}").toString();
  }

  public static String constraints(String emit) {
    return "{\"version\": 0.0, \"features\": [], \"monitoring_config\": {\"evaluate_constraints\": \"Enabled\", "
        + "\"emit_metrics\": \"" + emit + "\", \"distribution_constraints\": {\"comparison_threshold\": 0.1}}}";
  }

  static void baseline(MotoServer moto, String version, String statistics, String constraints) {
    var s3 = moto.clients().s3();
    try {
      s3.createBucket(b -> b.bucket(MotoServer.BUCKET));
    } catch (software.amazon.awssdk.services.s3.model.S3Exception e) {
      // already there
    }
    s3.putObject(b -> b.bucket(MotoServer.BUCKET).key("sd/baselines/taxi/" + version + "/statistics.json"),
        RequestBody.fromString(statistics));
    s3.putObject(b -> b.bucket(MotoServer.BUCKET).key("sd/baselines/taxi/" + version + "/constraints.json"),
        RequestBody.fromString(constraints));
  }

  private static MonitoringRequest request(String version) {
    return new MonitoringRequest("taxi", version, "taxi-prod", "taxi-" + version + "-drift",
        "s3://safedeploy-test/sd/baselines/taxi/" + version + "/statistics.json",
        "s3://safedeploy-test/sd/baselines/taxi/" + version + "/constraints.json");
  }

  private static ActivityTesting activities(MotoServer moto) {
    return new ActivityTesting(new AwsMonitoringActivitiesImpl(
        new StackDeployer(moto.clients().cloudFormation(), moto.config()), moto.clients().s3(),
        moto.clients().cloudWatch(), moto.config()));
  }

  /** One drift alarm per baselined feature beside total_amount's, on metrics Model Monitor publishes. */
  @Test
  void oneDriftAlarmPerBaselinedFeatureAndStaleOnesGo(MotoServer moto) {
    baseline(moto, "v2", statistics("total_amount", "duration_minutes", "passenger_count", "trip_distance"),
        constraints("Enabled"));
    baseline(moto, "v3", statistics("total_amount", "duration_minutes", "trip_distance"), constraints("Enabled"));
    var cw = moto.clients().cloudWatch();
    try (ActivityTesting t = activities(moto)) {
      t.stub(MonitoringActivities.class).enableMonitoring(request("v2"));
      var alarms = cw.describeAlarms(b -> b.alarmNamePrefix("taxi-prod-feature-drift-")).metricAlarms();
      assertThat(alarms).extracting(a -> a.alarmName()).containsExactlyInAnyOrder(
          "taxi-prod-feature-drift-duration_minutes", "taxi-prod-feature-drift-passenger_count",
          "taxi-prod-feature-drift-trip_distance");
      assertThat(alarms).allSatisfy(a -> {
        assertThat(a.namespace()).isEqualTo("aws/sagemaker/Endpoints/data-metrics");
        assertThat(a.metricName()).isEqualTo("feature_baseline_drift_" + a.alarmName()
            .substring("taxi-prod-feature-drift-".length()));
        assertThat(a.dimensions()).extracting(d -> d.name() + "=" + d.value())
            .containsExactlyInAnyOrder("Endpoint=taxi-prod", "MonitoringSchedule=taxi-v2-drift");
        assertThat(a.threshold()).isEqualTo(0.2);
      });
      // the next version's baseline lacks passenger_count: its alarm goes, the others follow the new schedule
      t.stub(MonitoringActivities.class).enableMonitoring(request("v3"));
      assertThat(cw.describeAlarms(b -> b.alarmNamePrefix("taxi-prod-feature-drift-")).metricAlarms())
          .extracting(a -> a.alarmName() + " " + a.dimensions().get(1).value()).containsExactlyInAnyOrder(
              "taxi-prod-feature-drift-duration_minutes taxi-v3-drift",
              "taxi-prod-feature-drift-trip_distance taxi-v3-drift");
    }
  }

  /** A baseline without the target, or constraints that emit no metrics, would give alarms that never fire. */
  @Test
  void aBaselineWhoseAlarmsCouldNeverFireIsRefused(MotoServer moto) {
    baseline(moto, "v2", statistics("duration_minutes", "passenger_count"), constraints("Enabled"));
    baseline(moto, "v3", statistics("total_amount", "duration_minutes"), constraints("Disabled"));
    try (ActivityTesting t = activities(moto)) {
      ApplicationFailure noTarget = ActivityTesting.failure(() -> t.stub(MonitoringActivities.class)
          .enableMonitoring(request("v2")));
      assertThat(noTarget.getType()).isEqualTo(Failures.BAD_DATA);
      assertThat(noTarget.getOriginalMessage()).contains("has no total_amount");
      ApplicationFailure silent = ActivityTesting.failure(() -> t.stub(MonitoringActivities.class)
          .enableMonitoring(request("v3")));
      assertThat(silent.getOriginalMessage()).contains("emit_metrics Disabled");
    }
  }

  @Test
  void monitoringStackWithThisRunsBaselineIdempotent(MotoServer moto) {
    StackDeployer stacks = new StackDeployer(moto.clients().cloudFormation(), moto.config());
    baseline(moto, "v2", statistics("total_amount", "duration_minutes"), constraints("Enabled"));
    MonitoringRequest request = request("v2");
    try (ActivityTesting t = activities(moto)) {
      MonitoringActivities monitoring = t.stub(MonitoringActivities.class);
      MonitoringResult r = monitoring.enableMonitoring(request);
      assertThat(r).isEqualTo(new MonitoringResult("taxi-v2-drift", "taxi-prod-feature-drift"));
      assertThat(monitoring.enableMonitoring(request)).isEqualTo(r);
    }
    Map<String, String> params = stacks.parameters("safedeploy-taxi-prod-monitoring");
    assertThat(params).containsEntry("ScheduleName", "taxi-v2-drift")
        .containsEntry("StatisticsS3Uri", "s3://safedeploy-test/sd/baselines/taxi/v2/statistics.json")
        .containsEntry("AnalyzerImageUri",
            "156813124566.dkr.ecr.us-east-1.amazonaws.com/sagemaker-model-monitor-analyzer:latest")
        .containsEntry("ReportsS3Uri", "s3://safedeploy-test/sd/monitoring/taxi-prod/taxi-v2-drift");
  }
}
