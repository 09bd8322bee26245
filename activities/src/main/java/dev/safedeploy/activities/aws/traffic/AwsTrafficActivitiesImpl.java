package dev.safedeploy.activities.aws.traffic;

import dev.safedeploy.activities.aws.AwsBackendConfig;
import dev.safedeploy.activities.aws.AwsClients;
import dev.safedeploy.activities.aws.codedeploy.CodeDeployTraffic;
import dev.safedeploy.workflows.activities.TrafficActivities;

/**
 * The traffic port on AWS, with the strategy chosen by {@code SAFEDEPLOY_TRAFFIC_MODE}: production-variant weights
 * (default) or a CodeDeploy Lambda-alias canary. (SageMaker deployment guardrails were removed: see the README.)
 */
public class AwsTrafficActivitiesImpl implements TrafficActivities {

  private final AwsBackendConfig config;
  private final WeightsTraffic weights;
  private final CodeDeployTraffic codeDeploy;

  public AwsTrafficActivitiesImpl(AwsClients clients, AwsBackendConfig config) {
    this.config = config;
    this.weights = new WeightsTraffic(clients.sageMaker(), config);
    this.codeDeploy = config.trafficMode() == AwsBackendConfig.TrafficMode.CODEDEPLOY
        ? new CodeDeployTraffic(clients.codeDeploy(), clients.lambda(), clients.sageMaker(), config) : null;
  }

  @Override
  public TrafficState shiftTraffic(TrafficShift shift) {
    return switch (config.trafficMode()) {
      case WEIGHTS -> weights.shift(shift);
      case CODEDEPLOY -> codeDeploy.shift(shift);
    };
  }
}
