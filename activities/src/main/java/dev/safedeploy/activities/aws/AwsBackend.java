package dev.safedeploy.activities.aws;

import dev.safedeploy.activities.aws.cloudformation.AwsTemplateActivitiesImpl;
import dev.safedeploy.activities.aws.cloudformation.StackDeployer;
import dev.safedeploy.activities.aws.cloudwatch.AwsAlarmActivitiesImpl;
import dev.safedeploy.activities.aws.hooks.AwsHookActivitiesImpl;
import dev.safedeploy.activities.aws.judge.AwsJudgeActivitiesImpl;
import dev.safedeploy.activities.aws.monitoring.AwsMonitoringActivitiesImpl;
import dev.safedeploy.activities.aws.sagemaker.AwsBaselineActivitiesImpl;
import dev.safedeploy.activities.aws.sagemaker.AwsEndpointActivitiesImpl;
import dev.safedeploy.activities.aws.sagemaker.AwsTrainingActivitiesImpl;
import dev.safedeploy.activities.aws.sns.AwsNotificationActivitiesImpl;
import dev.safedeploy.activities.gateway.GatewayNotifier;
import dev.safedeploy.activities.aws.traffic.AwsTrafficActivitiesImpl;
import java.util.List;

/**
 * The AWS backend: one implementation of every port, sharing one set of SDK clients. The worker registers
 * {@link #activities(AwsBackendConfig)} when {@code SAFEDEPLOY_BACKEND=aws}; configuration is documented on
 * {@link AwsBackendConfig}.
 */
public final class AwsBackend {

  private AwsBackend() {}

  public static List<Object> activities(AwsBackendConfig config) {
    return activities(config, AwsClients.create(config));
  }

  public static List<Object> activities(AwsBackendConfig config, AwsClients clients) {
    StackDeployer stacks = new StackDeployer(clients.cloudFormation(), config);
    AwsEndpointActivitiesImpl endpoints = new AwsEndpointActivitiesImpl(clients.sageMaker(),
        clients.cloudWatch(), stacks, config);
    return List.of(
        new AwsTemplateActivitiesImpl(clients.cloudFormation(), config),
        new AwsTrainingActivitiesImpl(clients.sageMaker(), config),
        new AwsBaselineActivitiesImpl(clients.sageMaker(), clients.s3(), config),
        endpoints,
        new AwsTrafficActivitiesImpl(clients, config),
        new AwsAlarmActivitiesImpl(clients.cloudWatch()),
        new AwsHookActivitiesImpl(clients.runtime(), clients.sageMaker(), clients.s3(), config,
            endpoints.captureRoot()),
        new AwsNotificationActivitiesImpl(clients.sns(), config.snsTopicArn(),
            GatewayNotifier.of(System.getenv(GatewayNotifier.ENV_URL))),
        new AwsMonitoringActivitiesImpl(stacks, clients.cloudWatch(), clients.s3(), config),
        new AwsJudgeActivitiesImpl(clients.sageMaker(), clients.s3(), clients.cloudWatch(), stacks, config,
            endpoints.captureRoot()));
  }
}
