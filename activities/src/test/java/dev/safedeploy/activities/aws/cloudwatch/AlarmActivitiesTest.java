package dev.safedeploy.activities.aws.cloudwatch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.safedeploy.activities.aws.ActivityTesting;
import dev.safedeploy.activities.aws.MotoServer;
import dev.safedeploy.activities.aws.MotoServerExtension;
import dev.safedeploy.workflows.activities.AlarmActivities;
import dev.safedeploy.workflows.activities.AlarmActivities.AlarmWatch;
import dev.safedeploy.workflows.activities.Failures;
import dev.safedeploy.workflows.pipeline.AlarmSignal;
import io.temporal.failure.ApplicationFailure;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatch.model.ComparisonOperator;
import software.amazon.awssdk.services.cloudwatch.model.StateValue;
import software.amazon.awssdk.services.cloudwatch.model.Tag;

/**
 * moto: PutMetricAlarm, DescribeAlarms, tags and SetAlarmState are real. moto evaluates no metrics, so alarm states are
 * driven with SetAlarmState.
 */
@ExtendWith(MotoServerExtension.class)
class AlarmActivitiesTest {

  private static final AlarmWatch WATCH =
      new AlarmWatch("deploy-taxi-v2", "taxi", "v2", "taxi-prod", "v2", List.of());

  private static String workflowTag(CloudWatchClient cw, String alarmName) {
    String arn = cw.describeAlarms(b -> b.alarmNames(alarmName)).metricAlarms().get(0).alarmArn();
    return cw.listTagsForResource(b -> b.resourceARN(arn)).tags().stream()
        .filter(t -> AlarmNames.WORKFLOW_TAG.equals(t.key())).map(Tag::value).findFirst().orElse(null);
  }

  @Test
  void watchTagsPollReportsAlarmUnwatchUntags(MotoServer moto) {
    CloudWatchClient cw = moto.clients().cloudWatch();
    try (ActivityTesting t = new ActivityTesting(new AwsAlarmActivitiesImpl(cw))) {
      AlarmActivities alarms = t.stub(AlarmActivities.class);
      List<String> names = alarms.watchAlarms(WATCH); // the green variant's default alarms are made on watch
      var latency = cw.describeAlarms(b -> b.alarmNames("taxi-prod-v2-latency-p99")).metricAlarms().get(0);
      assertThat(latency.extendedStatistic()).isEqualTo("p99");
      assertThat(latency.threshold()).isEqualTo(500_000.0);
      assertThat(latency.dimensions()).extracting(d -> d.name() + "=" + d.value())
          .containsExactlyInAnyOrder("EndpointName=taxi-prod", "VariantName=v2");
      assertThat(alarms.watchAlarms(WATCH)).isEqualTo(names); // again: idempotent
      assertThat(cw.describeAlarms(b -> b.alarmNamePrefix("taxi-prod-v2")).metricAlarms()).hasSize(4);
      assertThat(names).containsExactly("taxi-prod-v2-5xx", "taxi-prod-v2-latency-p99", "taxi-prod-v2-model-errors",
          "taxi-prod-v2-4xx-rate");
      var modelErrors = cw.describeAlarms(b -> b.alarmNames("taxi-prod-v2-model-errors")).metricAlarms().get(0);
      assertThat(modelErrors.metricName()).isEqualTo("InvocationModelErrors");
      assertThat(modelErrors.dimensions()).extracting(d -> d.name() + "=" + d.value())
          .containsExactlyInAnyOrder("EndpointName=taxi-prod", "VariantName=v2");
      var rate = cw.describeAlarms(b -> b.alarmNames("taxi-prod-v2-4xx-rate")).metricAlarms().get(0);
      assertThat(rate.metrics()).extracting(q -> q.id()).containsExactly("e4", "inv", "rate");
      assertThat(rate.threshold()).isEqualTo(0.05);
      assertThat(workflowTag(cw, "taxi-prod-v2-5xx")).isEqualTo("deploy-taxi-v2");
      assertThat(workflowTag(cw, "taxi-prod-v2-latency-p99")).isEqualTo("deploy-taxi-v2");

      assertThat(alarms.pollAlarms(names)).isEmpty(); // moto: new alarms are INSUFFICIENT_DATA
      cw.setAlarmState(b -> b.alarmName("taxi-prod-v2-5xx").stateValue(StateValue.ALARM)
          .stateReason("Threshold Crossed: 1 datapoint [3.0] was greater than the threshold (0.0)."));
      List<AlarmSignal> firing = alarms.pollAlarms(names);
      assertThat(firing).singleElement().satisfies(s -> {
        assertThat(s.alarmName()).isEqualTo("taxi-prod-v2-5xx");
        assertThat(s.signalsAlarm()).isTrue();
        assertThat(s.reason()).contains("Threshold Crossed");
        assertThat(s.transitionedAt()).isNotNull();
        assertThat(s.problem()).isNull();
      });
      cw.setAlarmState(b -> b.alarmName("taxi-prod-v2-5xx").stateValue(StateValue.OK).stateReason("recovered"));
      assertThat(alarms.pollAlarms(names)).isEmpty();

      alarms.unwatchAlarms(WATCH);
      assertThat(workflowTag(cw, "taxi-prod-v2-5xx")).isNull();
      alarms.unwatchAlarms(WATCH); // idempotent
    }
  }

  @Test
  void deleteCanaryAlarmsRemovesTheDefaultsOnlyAndIsIdempotent(MotoServer moto) {
    CloudWatchClient cw = moto.clients().cloudWatch();
    try (ActivityTesting t = new ActivityTesting(new AwsAlarmActivitiesImpl(cw))) {
      AlarmActivities alarms = t.stub(AlarmActivities.class);
      alarms.watchAlarms(WATCH);
      cw.putMetricAlarm(b -> b.alarmName("team-slo").namespace("AWS/SageMaker").metricName("ModelLatency")
          .dimensions(d -> d.name("EndpointName").value("taxi-prod"), d -> d.name("VariantName").value("v2"))
          .statistic("Average").period(60).evaluationPeriods(1).threshold(1.0)
          .comparisonOperator(ComparisonOperator.GREATER_THAN_THRESHOLD));
      alarms.deleteCanaryAlarms(new AlarmWatch("deploy-taxi-v2", "taxi", "v2", "taxi-prod", "v2",
          List.of("team-slo")));
      assertThat(cw.describeAlarms(b -> b.alarmNames("team-slo")).metricAlarms()).hasSize(1);
      assertThat(cw.describeAlarms(b -> b.alarmNamePrefix("taxi-prod-v2")).metricAlarms())
          .hasSize(AlarmNames.canary("taxi-prod", "v2").size());
      alarms.deleteCanaryAlarms(WATCH);
      alarms.deleteCanaryAlarms(WATCH);
      assertThat(cw.describeAlarms(b -> b.alarmNamePrefix("taxi-prod-v2")).metricAlarms()).isEmpty();
    }
  }

  @Test
  void unwatchLeavesAnotherRunsTagAlone(MotoServer moto) {
    CloudWatchClient cw = moto.clients().cloudWatch();
    try (ActivityTesting t = new ActivityTesting(new AwsAlarmActivitiesImpl(cw))) {
      AlarmActivities alarms = t.stub(AlarmActivities.class);
      alarms.watchAlarms(WATCH);
      alarms.watchAlarms(new AlarmWatch("deploy-taxi-v2b", "taxi", "v2", "taxi-prod", "v2", List.of()));
      alarms.unwatchAlarms(WATCH);
      assertThat(workflowTag(cw, "taxi-prod-v2-5xx")).isEqualTo("deploy-taxi-v2b");
    }
  }

  @Test
  void policyAlarmsMustExist(MotoServer moto) {
    CloudWatchClient cw = moto.clients().cloudWatch();
    cw.putMetricAlarm(b -> b.alarmName("team-slo").namespace("AWS/SageMaker").metricName("ModelLatency")
        .dimensions(d -> d.name("EndpointName").value("taxi-prod"), d -> d.name("VariantName").value("v1"))
        .statistic("Average").period(60).evaluationPeriods(1).threshold(1.0)
        .comparisonOperator(ComparisonOperator.GREATER_THAN_THRESHOLD));
    try (ActivityTesting t = new ActivityTesting(new AwsAlarmActivitiesImpl(cw))) {
      AlarmActivities alarms = t.stub(AlarmActivities.class);
      AlarmWatch policy = new AlarmWatch("deploy-taxi-v2", "taxi", "v2", "taxi-prod", "v2",
          List.of("team-slo", "team-errors"));
      assertThat(alarms.missingAlarms(List.of("team-slo", "team-errors"))).containsExactly("team-errors");
      assertThat(alarms.missingAlarms(List.of("team-slo"))).isEmpty();
      ApplicationFailure f = ActivityTesting.failure(() -> alarms.watchAlarms(policy));
      assertThat(f.getType()).isEqualTo(Failures.NOT_FOUND);
      assertThat(f.getOriginalMessage()).contains("[team-errors]");
      assertThat(cw.describeAlarms(b -> b.alarmNamePrefix("taxi-prod")).metricAlarms()).isEmpty();
    }
  }
}
