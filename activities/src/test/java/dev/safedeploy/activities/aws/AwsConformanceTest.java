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
      .on("PutMetricAlarm", "<PutMetricAlarmResponse/>");
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
}
