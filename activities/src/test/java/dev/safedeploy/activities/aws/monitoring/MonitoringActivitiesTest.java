package dev.safedeploy.activities.aws.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.safedeploy.activities.aws.ActivityTesting;
import dev.safedeploy.activities.aws.MotoServer;
import dev.safedeploy.activities.aws.MotoServerExtension;
import dev.safedeploy.activities.aws.cloudformation.StackDeployer;
import dev.safedeploy.workflows.activities.MonitoringActivities;
import dev.safedeploy.workflows.activities.MonitoringActivities.MonitoringRequest;
import dev.safedeploy.workflows.activities.MonitoringActivities.MonitoringResult;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * moto: the real monitoring.yml deployed as a stack with this run's baseline. moto's CloudFormation skips
 * AWS::SageMaker::MonitoringSchedule and AWS::CloudWatch::Alarm (unsupported types), so what is checked here is the
 * stack and its parameters; the resources themselves are checked by cfn-lint.
 */
@ExtendWith(MotoServerExtension.class)
class MonitoringActivitiesTest {

  @Test
  void monitoringStackWithThisRunsBaselineIdempotent(MotoServer moto) {
    StackDeployer stacks = new StackDeployer(moto.clients().cloudFormation(), moto.config());
    MonitoringRequest request = new MonitoringRequest("taxi", "v2", "taxi-prod", "taxi-v2-drift",
        "s3://safedeploy-test/sd/baselines/taxi/v2/statistics.json",
        "s3://safedeploy-test/sd/baselines/taxi/v2/constraints.json");
    try (ActivityTesting t = new ActivityTesting(new AwsMonitoringActivitiesImpl(stacks, moto.config()))) {
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
