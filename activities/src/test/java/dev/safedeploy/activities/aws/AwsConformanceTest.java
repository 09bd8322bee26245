package dev.safedeploy.activities.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sagemaker.SageMakerClient;
import software.amazon.awssdk.services.sagemaker.model.CapacitySizeType;
import software.amazon.awssdk.services.sagemaker.model.TrafficRoutingConfigType;

/** The conformance layer refuses what real AWS refuses, before the request leaves the client. */
class AwsConformanceTest {

  private static final String ENDPOINT = """
      {"EndpointName":"taxi-prod","EndpointArn":"arn:aws:sagemaker:us-east-1:1:endpoint/taxi-prod",
       "EndpointConfigName":"c1","EndpointStatus":"InService","CreationTime":1764170000.0,
       "LastModifiedTime":1764170100.0,"ProductionVariants":[
        {"VariantName":"v1","CurrentWeight":1.0,"CurrentInstanceCount":2},
        {"VariantName":"v2","CurrentWeight":0.0,"CurrentInstanceCount":2}]}""";

  private final RecordedHttpClient http = new RecordedHttpClient()
      .on("SageMaker.DescribeEndpoint", ENDPOINT)
      .on("SageMaker.CreateEndpointConfig", "{\"EndpointConfigArn\":\"arn:aws:sagemaker:us-east-1:1:endpoint-config/c\"}")
      .on("SageMaker.UpdateEndpoint", "{\"EndpointArn\":\"arn:aws:sagemaker:us-east-1:1:endpoint/taxi-prod\"}")
      .on("SageMaker.UpdateEndpointWeightsAndCapacities", "{\"EndpointArn\":\"arn:aws:sagemaker:us-east-1:1:endpoint/taxi-prod\"}")
      .on("PutMetricAlarm", "<PutMetricAlarmResponse/>")
      .on("SageMaker.DescribeEndpointConfig", CONFIG_V1)
      .on("CreateStack", "<CreateStackResponse><CreateStackResult><StackId>s</StackId></CreateStackResult>"
          + "</CreateStackResponse>")
      .on("UpdateStack", "<UpdateStackResponse><UpdateStackResult><StackId>s</StackId></UpdateStackResult>"
          + "</UpdateStackResponse>");

  private static final String CONFIG_V1 = """
      {"EndpointConfigName":"c-v1","EndpointConfigArn":"arn:aws:sagemaker:us-east-1:1:endpoint-config/c-v1",
       "CreationTime":1764170000.0,"ProductionVariants":[{"VariantName":"v1","ModelName":"taxi-v1"}]}""";

  /** The prod template's parameters: slot A holds v1, slot B v2 (or nothing), each with its autoscaling flag. */
  private static java.util.List<software.amazon.awssdk.services.cloudformation.model.Parameter> prod(String a,
      String aScaling, String b, String bScaling, String instanceType) {
    java.util.Map<String, String> p = new java.util.LinkedHashMap<>();
    p.put("EndpointName", "taxi-prod");
    p.put("InstanceType", instanceType);
    p.put("VariantAName", a);
    p.put("VariantAAutoScaling", aScaling);
    p.put("VariantBName", b);
    p.put("VariantBAutoScaling", bScaling);
    return p.entrySet().stream().map(e -> software.amazon.awssdk.services.cloudformation.model.Parameter.builder()
        .parameterKey(e.getKey()).parameterValue(e.getValue()).build()).toList();
  }
  private final AwsClients clients = http.clients(RecordedHttpClient.config());
  private final SageMakerClient sm = clients.sageMaker();

  @Test
  void blueGreenUpdateMustKeepTheVariantNames() {
    sm.describeEndpoint(b -> b.endpointName("taxi-prod"));
    sm.createEndpointConfig(b -> b.endpointConfigName("c2").productionVariants(v -> v.variantName("v2")
        .modelName("taxi-v2").initialInstanceCount(2).instanceType("ml.m5.large")));
    assertThatThrownBy(() -> sm.updateEndpoint(b -> b.endpointName("taxi-prod").endpointConfigName("c2")
        .deploymentConfig(d -> d.blueGreenUpdatePolicy(p -> p.trafficRoutingConfiguration(t -> t
            .type(TrafficRoutingConfigType.ALL_AT_ONCE).waitIntervalInSeconds(0))))))
        .hasMessageContaining("changes the variant names [v1, v2] -> [v2]");
    assertThat(http.bodiesOf("SageMaker.UpdateEndpoint")).isEmpty();
  }

  @Test
  void canaryIsAtMostHalfTheFleet() {
    assertThatThrownBy(() -> sm.updateEndpoint(b -> b.endpointName("taxi-prod").endpointConfigName("c2")
        .deploymentConfig(d -> d.blueGreenUpdatePolicy(p -> p.trafficRoutingConfiguration(t -> t
            .type(TrafficRoutingConfigType.CANARY).waitIntervalInSeconds(300)
            .canarySize(c -> c.type(CapacitySizeType.CAPACITY_PERCENT).value(60)))))))
        .hasMessageContaining("at most 50% of the fleet");
  }

  @Test
  void aShiftNamesEveryVariantAndServesSomething() {
    sm.describeEndpoint(b -> b.endpointName("taxi-prod"));
    assertThatThrownBy(() -> sm.updateEndpointWeightsAndCapacities(b -> b.endpointName("taxi-prod")
        .desiredWeightsAndCapacities(w -> w.variantName("v2").desiredWeight(1f))))
        .hasMessageContaining("names [v2] but the endpoint has [v1, v2]");
    assertThatThrownBy(() -> sm.updateEndpointWeightsAndCapacities(b -> b.endpointName("taxi-prod")
        .desiredWeightsAndCapacities(w -> w.variantName("v1").desiredWeight(0f),
            w -> w.variantName("v2").desiredWeight(0f))))
        .hasMessageContaining("sum to 0");
    sm.updateEndpointWeightsAndCapacities(b -> b.endpointName("taxi-prod")
        .desiredWeightsAndCapacities(w -> w.variantName("v1").desiredWeight(0.9f),
            w -> w.variantName("v2").desiredWeight(0.1f)));
    assertThat(http.conformance.violations).hasSize(2);
  }

  @Test
  void variantAlarmsNeedBothDimensions() {
    assertThatThrownBy(() -> clients.cloudWatch().putMetricAlarm(b -> b.alarmName("x").namespace("AWS/SageMaker")
        .metricName("Invocation5XXErrors").dimensions(d -> d.name("EndpointName").value("taxi-prod"))
        .statistic("Sum").period(60).evaluationPeriods(1).threshold(1.0)
        .comparisonOperator("GreaterThanOrEqualToThreshold")))
        .hasMessageContaining("needs EndpointName and VariantName");
  }

  /**
   * SageMaker refuses an endpoint update that removes a variant registered with Application Auto Scaling; the prod
   * stack registers it while its slot's AutoScaling parameter is true, and CloudFormation deletes the scalable target
   * only after updating the endpoint, so turning it off in the same update does not help.
   */
  @Test
  void aVariantRegisteredForAutoscalingIsNotRemovedUntilDeregistered() {
    var cfn = clients.cloudFormation();
    cfn.createStack(b -> b.stackName("safedeploy-taxi-prod").parameters(prod("v1", "true", "v2", "true",
        "ml.m5.large")));
    assertThatThrownBy(() -> cfn.updateStack(b -> b.stackName("safedeploy-taxi-prod")
        .parameters(prod("", "true", "v2", "true", "ml.m5.large"))))
        .hasMessageContaining("removes variant v1").hasMessageContaining("registered with Application Auto Scaling");
    assertThatThrownBy(() -> cfn.updateStack(b -> b.stackName("safedeploy-taxi-prod")
        .parameters(prod("", "false", "v2", "true", "ml.m5.large"))))
        .as("autoscaling off in the same update is too late").hasMessageContaining("removes variant v1");
    assertThatThrownBy(() -> cfn.updateStack(b -> b.stackName("safedeploy-taxi-prod")
        .parameters(prod("v1", "true", "v2", "true", "ml.m5.xlarge"))))
        .hasMessageContaining("changes the instance type");
    // deregister first (the endpoint is not updated), then remove
    cfn.updateStack(b -> b.stackName("safedeploy-taxi-prod").parameters(prod("v1", "false", "v2", "true",
        "ml.m5.large")));
    cfn.updateStack(b -> b.stackName("safedeploy-taxi-prod").parameters(prod("", "true", "v2", "true",
        "ml.m5.large")));
    assertThat(http.bodiesOf("UpdateStack")).hasSize(2);
  }

  @Test
  void anEndpointUpdateMayNotDropAVariantItsStackKeepsRegistered() {
    clients.cloudFormation().createStack(b -> b.stackName("safedeploy-taxi-prod")
        .parameters(prod("v1", "true", "v2", "true", "ml.m5.large")));
    sm.describeEndpoint(b -> b.endpointName("taxi-prod"));
    sm.describeEndpointConfig(b -> b.endpointConfigName("c-v1"));
    assertThatThrownBy(() -> sm.updateEndpoint(b -> b.endpointName("taxi-prod").endpointConfigName("c-v1")))
        .hasMessageContaining("removes variant v2, still registered with Application Auto Scaling");
    clients.cloudFormation().updateStack(b -> b.stackName("safedeploy-taxi-prod")
        .parameters(prod("v1", "true", "v2", "false", "ml.m5.large")));
    sm.updateEndpoint(b -> b.endpointName("taxi-prod").endpointConfigName("c-v1"));
    assertThat(http.bodiesOf("SageMaker.UpdateEndpoint")).hasSize(1);
  }
}
