package dev.safedeploy.activities.aws.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.safedeploy.activities.aws.ActivityTesting;
import dev.safedeploy.activities.aws.MotoServer;
import dev.safedeploy.activities.aws.MotoServerExtension;
import dev.safedeploy.activities.aws.cloudformation.StackDeployer;
import dev.safedeploy.activities.aws.cloudwatch.AlarmNames;
import dev.safedeploy.activities.aws.cloudwatch.CanaryAlarms;
import dev.safedeploy.workflows.activities.Failures;
import dev.safedeploy.workflows.activities.MonitoringActivities;
import dev.safedeploy.workflows.activities.MonitoringActivities.MonitoringRequest;
import dev.safedeploy.workflows.activities.MonitoringActivities.MonitoringResult;
import dev.safedeploy.workflows.activities.MonitoringActivities.RetireRequest;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatch.model.MetricAlarm;
import software.amazon.awssdk.services.cloudwatch.model.Tag;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * moto: the real monitoring.yml deployed as a stack with this run's baseline, and the drift alarms, one per column of
 * the baseline's statistics.json in S3, tagged for the alarm bridge. moto's CloudFormation skips
 * AWS::SageMaker::MonitoringSchedule (an unsupported type), so the schedule is checked as the stack and its
 * parameters (cfn-lint checks the resource); the alarms are real moto alarms.
 */
@ExtendWith(MotoServerExtension.class)
class MonitoringActivitiesTest {
  static final String BUCKET = "safedeploy-test";
  static final String STACK = "safedeploy-taxi-prod-monitoring";

  static String statistics(String... columns) {
    return "{\"version\":0.0,\"dataset\":{\"item_count\":10},\"features\":["
        + java.util.Arrays.stream(columns).map(c -> "{\"name\":\"" + c + "\",\"inferred_type\":\"Fractional\"}")
            .collect(Collectors.joining(",")) + "]}";
  }

  static String putStatistics(S3Client s3, String version, String... columns) {
    String key = "sd/baselines/taxi/" + version + "/statistics.json";
    s3.putObject(b -> b.bucket(BUCKET).key(key), RequestBody.fromString(statistics(columns)));
    return "s3://" + BUCKET + "/" + key;
  }

  static MonitoringRequest request(String version, String statistics, Double threshold) {
    return new MonitoringRequest("taxi", version, "taxi-prod", "taxi-" + version + "-drift", statistics,
        statistics.replace("statistics.json", "constraints.json"), threshold);
  }

  static Map<String, MetricAlarm> driftAlarms(CloudWatchClient cw) {
    return cw.describeAlarms(b -> b.alarmNamePrefix("taxi-prod-drift-")).metricAlarms().stream()
        .collect(Collectors.toMap(MetricAlarm::alarmName, a -> a));
  }

  static Map<String, String> tags(CloudWatchClient cw, MetricAlarm a) {
    return cw.listTagsForResource(b -> b.resourceARN(a.alarmArn())).tags().stream()
        .collect(Collectors.toMap(Tag::key, Tag::value));
  }

  @Test
  void oneScheduleAndADriftAlarmPerBaselineColumnTaggedForTheRetrainWorkflow(MotoServer moto) {
    S3Client s3 = moto.clients().s3();
    CloudWatchClient cw = moto.clients().cloudWatch();
    s3.createBucket(b -> b.bucket(BUCKET));
    String v2Stats = putStatistics(s3, "v2", "total_amount", "duration_minutes", "passenger_count", "trip_distance");
    String v3Stats = putStatistics(s3, "v3", "total_amount", "trip_distance");
    // a version labelled drift-x has canary alarms named like drift alarms: they are not drift alarms
    CanaryAlarms.ensure(cw, "taxi-prod", "drift-x", "deploy-taxi-drift-x");
    StackDeployer stacks = new StackDeployer(moto.clients().cloudFormation(), moto.config());

    try (ActivityTesting t = new ActivityTesting(new AwsMonitoringActivitiesImpl(stacks, cw, s3, moto.config()))) {
      MonitoringActivities monitoring = t.stub(MonitoringActivities.class);
      MonitoringResult r = monitoring.enableMonitoring(request("v2", v2Stats, 0.3));
      assertThat(r.scheduleName()).isEqualTo("taxi-v2-drift");
      assertThat(r.driftAlarmName()).isEqualTo("taxi-prod-drift-total_amount");
      assertThat(r.driftAlarmNames()).containsExactly("taxi-prod-drift-total_amount",
          "taxi-prod-drift-duration_minutes", "taxi-prod-drift-passenger_count", "taxi-prod-drift-trip_distance");
      assertThat(monitoring.enableMonitoring(request("v2", v2Stats, 0.3))).isEqualTo(r);
      Map<String, MetricAlarm> alarms = driftAlarms(cw);
      assertThat(alarms.keySet()).containsAll(r.driftAlarmNames()).contains("taxi-prod-drift-x-5xx");
      MetricAlarm target = alarms.get("taxi-prod-drift-total_amount");
      assertThat(target.namespace()).isEqualTo("aws/sagemaker/Endpoints/data-metrics");
      assertThat(target.metricName()).isEqualTo("feature_baseline_drift_total_amount");
      assertThat(target.threshold()).isEqualTo(0.3);
      assertThat(target.dimensions()).extracting(d -> d.name() + "=" + d.value())
          .containsExactlyInAnyOrder("Endpoint=taxi-prod", "MonitoringSchedule=taxi-v2-drift");
      for (String name : r.driftAlarmNames()) {
        assertThat(tags(cw, alarms.get(name))).containsEntry(AlarmNames.WORKFLOW_TAG, "retrain-taxi");
      }
      assertThat(stacks.parameters(STACK)).containsEntry("ScheduleName", "taxi-v2-drift")
          .containsEntry("StatisticsS3Uri", v2Stats)
          .containsEntry("AnalyzerImageUri",
              "156813124566.dkr.ecr.us-east-1.amazonaws.com/sagemaker-model-monitor-analyzer:latest")
          .containsEntry("ReportsS3Uri", "s3://safedeploy-test/sd/monitoring/taxi-prod/taxi-v2-drift");

      // v3 promoted: its schedule replaces v2's in the stack, alarms follow its baseline's columns
      MonitoringResult v3 = monitoring.enableMonitoring(request("v3", v3Stats, null));
      assertThat(v3.driftAlarmNames()).containsExactly("taxi-prod-drift-total_amount",
          "taxi-prod-drift-trip_distance");
      alarms = driftAlarms(cw);
      java.util.List<String> expected = new java.util.ArrayList<>(java.util.List.of("taxi-prod-drift-total_amount",
          "taxi-prod-drift-trip_distance"));
      expected.addAll(AlarmNames.canary("taxi-prod", "drift-x")); // the canary alarms stay
      assertThat(alarms.keySet()).containsExactlyInAnyOrderElementsOf(expected);
      assertThat(alarms.get("taxi-prod-drift-trip_distance").threshold()).isEqualTo(0.20);
      assertThat(alarms.get("taxi-prod-drift-trip_distance").dimensions())
          .extracting(d -> d.name() + "=" + d.value()).contains("MonitoringSchedule=taxi-v3-drift");
      assertThat(stacks.parameters(STACK)).containsEntry("ScheduleName", "taxi-v3-drift");

      // v3 rolled back in its watch window: v2's schedule and alarms come back from where its baseline was written
      MonitoringResult back = monitoring.retireMonitoring(new RetireRequest("taxi", "v3", "taxi-prod",
          "taxi-v3-drift", "v2", "taxi-v2-drift", "taxi-v2-baseline", null));
      assertThat(back.scheduleName()).isEqualTo("taxi-v2-drift");
      assertThat(back.driftAlarmNames()).hasSize(4);
      assertThat(stacks.parameters(STACK)).containsEntry("ScheduleName", "taxi-v2-drift")
          .containsEntry("StatisticsS3Uri", v2Stats);

      // nothing left to serve: no schedule, no drift alarm; the canary alarms are not the monitoring's to delete
      monitoring.retireMonitoring(new RetireRequest("taxi", "v2", "taxi-prod", "taxi-v2-drift", null, null, null,
          null));
      assertThat(stacks.describe(STACK).map(s -> s.stackStatusAsString()).orElse("DELETE_COMPLETE"))
          .isEqualTo("DELETE_COMPLETE");
      assertThat(driftAlarms(cw).keySet()).containsExactlyInAnyOrderElementsOf(AlarmNames.canary("taxi-prod",
          "drift-x"));

      assertThat(ActivityTesting.failure(() -> monitoring.enableMonitoring(request("v2", v2Stats, 0.0))).getType())
          .isEqualTo(Failures.BAD_DATA);
      assertThat(ActivityTesting.failure(() -> monitoring.enableMonitoring(request("v2", "file:///x.json", null)))
          .getType()).isEqualTo(Failures.BAD_DATA);
    }
  }

  @Test
  void aBaselineJobThatWroteNoStatisticsLeavesTheSeedsAlarm(MotoServer moto) {
    S3Client s3 = moto.clients().s3();
    CloudWatchClient cw = moto.clients().cloudWatch();
    StackDeployer stacks = new StackDeployer(moto.clients().cloudFormation(), moto.config());
    try (ActivityTesting t = new ActivityTesting(new AwsMonitoringActivitiesImpl(stacks, cw, s3, moto.config()))) {
      MonitoringResult r = t.stub(MonitoringActivities.class).enableMonitoring(request("v7",
          "s3://safedeploy-test/sd/baselines/taxi/v7/statistics.json", null));
      assertThat(r.driftAlarmNames()).containsExactly("taxi-prod-drift-total_amount");
      assertThat(tags(cw, driftAlarms(cw).get("taxi-prod-drift-total_amount")))
          .containsEntry(AlarmNames.WORKFLOW_TAG, "retrain-taxi");
    }
  }

  /** S3 refusing the worker the baseline's statistics is a clear non-retryable error naming the grant (recorded). */
  @Test
  void accessDeniedOnTheStatisticsIsAClearNonRetryableError() {
    var http = new dev.safedeploy.activities.aws.RecordedHttpClient().on(
        "GET /bucket/sd/baselines/taxi/v1/statistics.json", 403, """
        <?xml version="1.0" encoding="UTF-8"?>
        <Error><Code>AccessDenied</Code><Message>Access Denied</Message><RequestId>r</RequestId></Error>""");
    var config = dev.safedeploy.activities.aws.RecordedHttpClient.config();
    var clients = http.clients(config);
    var monitoring = new AwsMonitoringActivitiesImpl(new StackDeployer(clients.cloudFormation(), config),
        clients.cloudWatch(), clients.s3(), config);
    io.temporal.failure.ApplicationFailure f = org.assertj.core.api.Assertions.catchThrowableOfType(
        io.temporal.failure.ApplicationFailure.class, () -> monitoring.columns(
            "s3://bucket/sd/baselines/taxi/v1/statistics.json"));
    assertThat(f.isNonRetryable()).isTrue();
    assertThat(f.getType()).isEqualTo(Failures.INFRASTRUCTURE_FAILED);
    assertThat(f.getOriginalMessage())
        .contains("access denied reading s3://bucket/sd/baselines/taxi/v1/statistics.json")
        .contains("s3:GetObject").contains("ArtifactPrefix");
  }
}
