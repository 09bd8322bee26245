package dev.safedeploy.activities.aws.traffic;

import static org.assertj.core.api.Assertions.assertThat;

import dev.safedeploy.activities.aws.ActivityTesting;
import dev.safedeploy.activities.aws.AwsBackendConfig;
import dev.safedeploy.activities.aws.RecordedHttpClient;
import dev.safedeploy.workflows.activities.Failures;
import dev.safedeploy.workflows.activities.TrafficActivities;
import dev.safedeploy.workflows.activities.TrafficActivities.TrafficShift;
import dev.safedeploy.workflows.activities.TrafficActivities.TrafficState;
import io.temporal.failure.ApplicationFailure;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Recorded shapes only: moto has no UpdateEndpoint (and no deployment guardrails), so SageMaker's answers are replayed
 * through the SDK's real unmarshalling. Each test is one traffic step of a guardrails canary.
 */
class GuardrailsTrafficTest {

  private static final AwsBackendConfig CONFIG = RecordedHttpClient.config()
      .withTrafficMode(AwsBackendConfig.TrafficMode.GUARDRAILS, null);

  private static String endpoint(String status, String config, String pending, String variants, String failure) {
    return """
        {"EndpointName":"taxi-prod","EndpointArn":"arn:aws:sagemaker:us-east-1:1:endpoint/taxi-prod",
         "EndpointConfigName":"%s","EndpointStatus":"%s","CreationTime":1764170000.0,"LastModifiedTime":1764170100.0,
         %s %s "ProductionVariants":[%s]}""".formatted(config, status,
        pending == null ? "" : "\"PendingDeploymentSummary\":{\"EndpointConfigName\":\"" + pending + "\"},",
        failure == null ? "" : "\"FailureReason\":\"" + failure + "\",", variants);
  }

  private static final String BLUE_GREEN = "{\"VariantName\":\"v1\",\"CurrentWeight\":1.0,\"CurrentInstanceCount\":2},"
      + "{\"VariantName\":\"v2\",\"CurrentWeight\":0.0,\"CurrentInstanceCount\":2}";
  private static final String GREEN_ONLY = "{\"VariantName\":\"v2\",\"CurrentWeight\":1.0,\"CurrentInstanceCount\":2}";

  private static final String CURRENT_CONFIG = """
      {"EndpointConfigName":"taxi-prod-config","EndpointConfigArn":"arn:aws:sagemaker:us-east-1:1:endpoint-config/x",
       "CreationTime":1764170000.0,"KmsKeyId":"arn:aws:kms:us-east-1:1:key/k",
       "DataCaptureConfig":{"EnableCapture":true,"InitialSamplingPercentage":100,
         "DestinationS3Uri":"s3://bucket/sd/datacapture","CaptureOptions":[{"CaptureMode":"Input"},{"CaptureMode":"Output"}]},
       "ProductionVariants":[
         {"VariantName":"v1","ModelName":"taxi-v1","InitialInstanceCount":2,"InstanceType":"ml.m5.large","InitialVariantWeight":1.0},
         {"VariantName":"v2","ModelName":"taxi-v2","InitialInstanceCount":2,"InstanceType":"ml.m5.large","InitialVariantWeight":0.0}]}""";

  private static TrafficActivities traffic(ActivityTesting t) {
    return t.stub(TrafficActivities.class);
  }

  @Test
  void canaryStepStartsABlueGreenUpdateWithTheGreenAlarms() {
    RecordedHttpClient http = new RecordedHttpClient()
        .on("SageMaker.DescribeEndpoint", endpoint("InService", "taxi-prod-config", null, BLUE_GREEN, null))
        .on("SageMaker.DescribeEndpoint", endpoint("Updating", "taxi-prod-config", "taxi-prod-v2-bg", BLUE_GREEN, null))
        .on("SageMaker.DescribeEndpointConfig", 400,
            "{\"__type\":\"ValidationException\",\"message\":\"Could not find endpoint configuration \\\"taxi-prod-v2-bg\\\".\"}")
        .on("SageMaker.DescribeEndpointConfig", CURRENT_CONFIG)
        .on("SageMaker.CreateEndpointConfig", "{\"EndpointConfigArn\":\"arn:aws:sagemaker:us-east-1:1:endpoint-config/bg\"}")
        .on("SageMaker.UpdateEndpoint", "{\"EndpointArn\":\"arn:aws:sagemaker:us-east-1:1:endpoint/taxi-prod\"}");
    try (ActivityTesting t = new ActivityTesting(new AwsTrafficActivitiesImpl(http.clients(CONFIG), CONFIG))) {
      TrafficState s = traffic(t).shiftTraffic(new TrafficShift("taxi-prod", Map.of("v1", 90, "v2", 10), "canary"));
      assertThat(s.weights()).isEqualTo(Map.of("v1", 90, "v2", 10));
    }
    assertThat(http.bodiesOf("SageMaker.CreateEndpointConfig")).singleElement().asString()
        .contains("\"EndpointConfigName\":\"taxi-prod-v2-bg\"").contains("\"ModelName\":\"taxi-v2\"")
        .doesNotContain("taxi-v1").contains("\"DestinationS3Uri\":\"s3://bucket/sd/datacapture\"")
        .contains("\"KmsKeyId\":\"arn:aws:kms:us-east-1:1:key/k\"");
    assertThat(http.bodiesOf("SageMaker.UpdateEndpoint")).singleElement().asString()
        .contains("\"EndpointConfigName\":\"taxi-prod-v2-bg\"")
        .contains("\"BlueGreenUpdatePolicy\"").contains("\"Type\":\"CANARY\"")
        .contains("\"CanarySize\":{\"Type\":\"CAPACITY_PERCENT\",\"Value\":10}")
        .contains("\"AutoRollbackConfiguration\":{\"Alarms\":[{\"AlarmName\":\"taxi-prod-v2-5xx\"},"
            + "{\"AlarmName\":\"taxi-prod-v2-latency-p99\"}]}");
  }

  @Test
  void fullStepFollowsTheUpdateToTheGreenConfig() {
    RecordedHttpClient http = new RecordedHttpClient()
        .on("SageMaker.DescribeEndpoint", endpoint("Updating", "taxi-prod-config", "taxi-prod-v2-bg", BLUE_GREEN, null))
        .on("SageMaker.DescribeEndpoint", endpoint("Updating", "taxi-prod-config", "taxi-prod-v2-bg", BLUE_GREEN, null))
        .on("SageMaker.DescribeEndpoint", endpoint("InService", "taxi-prod-v2-bg", null, GREEN_ONLY, null));
    try (ActivityTesting t = new ActivityTesting(new AwsTrafficActivitiesImpl(http.clients(CONFIG), CONFIG))) {
      TrafficState s = traffic(t).shiftTraffic(new TrafficShift("taxi-prod", Map.of("v1", 0, "v2", 100), "promote"));
      assertThat(s.weights()).isEqualTo(Map.of("v2", 100));
      assertThat(t.heartbeats).anySatisfy(h -> assertThat(h).contains("Updating"));
    }
    assertThat(http.bodiesOf("SageMaker.UpdateEndpoint")).isEmpty();
  }

  /** Operator rollback after SageMaker finished the update: blue comes back from the prod stack's config. */
  @Test
  void rollbackAfterACompletedUpdateRestoresBlueFromTheStacksConfig() {
    RecordedHttpClient http = new RecordedHttpClient()
        .on("SageMaker.DescribeEndpoint", endpoint("InService", "taxi-prod-v2-bg", null, GREEN_ONLY, null))
        .on("SageMaker.DescribeEndpoint", endpoint("Updating", "taxi-prod-v2-bg", "taxi-prod-v1-bg", GREEN_ONLY, null))
        .on("SageMaker.DescribeEndpoint", endpoint("InService", "taxi-prod-v1-bg", null,
            "{\"VariantName\":\"v1\",\"CurrentWeight\":1.0,\"CurrentInstanceCount\":2}", null))
        .on("SageMaker.DescribeEndpointConfig", 400,
            "{\"__type\":\"ValidationException\",\"message\":\"Could not find endpoint configuration.\"}")
        .on("SageMaker.DescribeEndpointConfig", CURRENT_CONFIG.replace("\"v1\",\"ModelName\":\"taxi-v1\"",
            "\"v2x\",\"ModelName\":\"taxi-v2x\""))
        .on("SageMaker.DescribeEndpointConfig", CURRENT_CONFIG)
        .on("DescribeStacks", """
            <DescribeStacksResponse><DescribeStacksResult><Stacks><member>
              <StackName>safedeploy-taxi-prod</StackName><StackId>s</StackId><StackStatus>UPDATE_COMPLETE</StackStatus>
              <CreationTime>2026-11-26T19:00:00Z</CreationTime>
              <Outputs><member><OutputKey>EndpointConfigName</OutputKey><OutputValue>taxi-prod-config</OutputValue>
              </member></Outputs>
            </member></Stacks></DescribeStacksResult></DescribeStacksResponse>""")
        .on("SageMaker.CreateEndpointConfig", "{\"EndpointConfigArn\":\"arn\"}")
        .on("SageMaker.UpdateEndpoint", "{\"EndpointArn\":\"arn\"}");
    try (ActivityTesting t = new ActivityTesting(new AwsTrafficActivitiesImpl(http.clients(CONFIG), CONFIG))) {
      TrafficState s = traffic(t).shiftTraffic(new TrafficShift("taxi-prod", Map.of("v1", 100, "v2", 0), "rollback"));
      assertThat(s.weights()).isEqualTo(Map.of("v1", 100));
    }
    assertThat(http.bodiesOf("SageMaker.CreateEndpointConfig")).singleElement().asString()
        .contains("\"EndpointConfigName\":\"taxi-prod-v1-bg\"").contains("\"ModelName\":\"taxi-v1\"");
    assertThat(http.bodiesOf("SageMaker.UpdateEndpoint")).singleElement().asString()
        .contains("\"Type\":\"ALL_AT_ONCE\"");
  }

  @Test
  void aRollbackSageMakerDidItselfIsNeverSuccess() {
    RecordedHttpClient http = new RecordedHttpClient()
        .on("SageMaker.DescribeEndpoint", endpoint("Updating", "taxi-prod-config", "taxi-prod-v2-bg", BLUE_GREEN, null))
        .on("SageMaker.DescribeEndpoint", endpoint("InService", "taxi-prod-config", null, BLUE_GREEN,
            "Auto-rollback triggered by alarm taxi-prod-v2-5xx in ALARM state"));
    try (ActivityTesting t = new ActivityTesting(new AwsTrafficActivitiesImpl(http.clients(CONFIG), CONFIG))) {
      ApplicationFailure f = ActivityTesting.failure(() -> traffic(t).shiftTraffic(
          new TrafficShift("taxi-prod", Map.of("v1", 0, "v2", 100), "promote")));
      assertThat(f.getType()).isEqualTo(Failures.STATE_MISMATCH);
      assertThat(f.getOriginalMessage()).contains("rolled the guardrails update of taxi-prod back")
          .contains("taxi-prod-v2-5xx");
    }
  }
}
