package dev.safedeploy.activities.aws.judge;

import static org.assertj.core.api.Assertions.assertThat;

import dev.safedeploy.activities.aws.ActivityTesting;
import dev.safedeploy.activities.aws.AwsBackendConfig;
import dev.safedeploy.activities.aws.AwsClients;
import dev.safedeploy.activities.aws.MotoServer;
import dev.safedeploy.activities.aws.MotoServerExtension;
import dev.safedeploy.activities.aws.RecordedHttpClient;
import dev.safedeploy.activities.aws.cloudformation.StackDeployer;
import dev.safedeploy.activities.aws.sagemaker.AwsEndpointActivitiesImpl;
import dev.safedeploy.workflows.activities.EndpointActivities;
import dev.safedeploy.workflows.activities.EndpointActivities.ModelSpec;
import dev.safedeploy.workflows.activities.EndpointActivities.VariantChange;
import dev.safedeploy.workflows.activities.EndpointActivities.VariantSpec;
import dev.safedeploy.workflows.judge.JudgeActivities;
import dev.safedeploy.workflows.judge.JudgeActivities.ShadowRequest;
import dev.safedeploy.workflows.judge.JudgeActivities.ShadowState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The shadow step where SageMaker has shadow variants, which moto lacks (it drops ShadowProductionVariants and has no
 * UpdateEndpoint): recorded SageMaker answers in the real wire format, checked by the conformance layer (one
 * production and one shadow variant per shadow config). And, on moto's real prod stack, the autoscaling slot that
 * must be deregistered before green leaves the production variants.
 */
@ExtendWith(MotoServerExtension.class)
class AwsShadowJudgeTest {
  private static final String ENDPOINT = "taxi-prod";
  private static final String BASE = "ProdEndpointConfig-Xyz";
  private static final String SHADOW = ShadowVariants.configName(ENDPOINT, BASE, "v2");
  private static final String NO_STACK = """
      <ErrorResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/"><Error><Type>Sender</Type>
      <Code>ValidationError</Code><Message>Stack with id safedeploy-taxi-prod does not exist</Message></Error>
      <RequestId>r</RequestId></ErrorResponse>""";
  private static final String NOT_FOUND = "{\"__type\":\"ValidationException\",\"message\":\"Could not find endpoint"
      + " configuration \\\"arn:aws:sagemaker:us-east-1:123456789012:endpoint-config/" + SHADOW + "\\\".\"}";

  private static String endpoint(String config, boolean withGreen) {
    return "{\"EndpointName\":\"taxi-prod\",\"EndpointArn\":\"arn:aws:sagemaker:us-east-1:123456789012:endpoint/"
        + "taxi-prod\",\"EndpointConfigName\":\"" + config + "\",\"EndpointStatus\":\"InService\","
        + "\"CreationTime\":1.7E9,\"LastModifiedTime\":1.7E9,\"ProductionVariants\":["
        + "{\"VariantName\":\"v1\",\"CurrentWeight\":100.0,\"DesiredWeight\":100.0,\"CurrentInstanceCount\":2}"
        + (withGreen ? ",{\"VariantName\":\"v2\",\"CurrentWeight\":0.0,\"DesiredWeight\":0.0,"
            + "\"CurrentInstanceCount\":2}" : "") + "]"
        + (withGreen ? "" : ",\"ShadowProductionVariants\":[{\"VariantName\":\"v2\",\"CurrentWeight\":100.0,"
            + "\"CurrentInstanceCount\":2}]") + "}";
  }

  private static String variant(String name, double weight) {
    return "{\"VariantName\":\"" + name + "\",\"ModelName\":\"taxi-" + name + "\",\"InitialInstanceCount\":2,"
        + "\"InstanceType\":\"ml.m5.large\",\"InitialVariantWeight\":" + weight + "}";
  }

  private static final String CAPTURE = "\"DataCaptureConfig\":{\"EnableCapture\":true,\"InitialSamplingPercentage\""
      + ":100,\"DestinationS3Uri\":\"s3://bucket/sd/datacapture\",\"KmsKeyId\":\"arn:aws:kms:us-east-1:123456789012:"
      + "key/k\",\"CaptureOptions\":[{\"CaptureMode\":\"Input\"},{\"CaptureMode\":\"Output\"}]},\"KmsKeyId\":"
      + "\"arn:aws:kms:us-east-1:123456789012:key/k\",\"CreationTime\":1.7E9";

  private static final String BASE_CONFIG = "{\"EndpointConfigName\":\"" + BASE + "\",\"EndpointConfigArn\":"
      + "\"arn:aws:sagemaker:us-east-1:123456789012:endpoint-config/" + BASE.toLowerCase() + "\","
      + "\"ProductionVariants\":[" + variant("v1", 100) + "," + variant("v2", 0) + "]," + CAPTURE + "}";

  private static final String SHADOW_CONFIG = "{\"EndpointConfigName\":\"" + SHADOW + "\",\"EndpointConfigArn\":"
      + "\"arn:aws:sagemaker:us-east-1:123456789012:endpoint-config/" + SHADOW + "\","
      + "\"ProductionVariants\":[" + variant("v1", 100) + "],\"ShadowProductionVariants\":[" + variant("v2", 100)
      + "]," + CAPTURE + "}";

  private static final String BASE_TAGS = "{\"Tags\":[{\"Key\":\"safedeploy:model\",\"Value\":\"taxi\"},"
      + "{\"Key\":\"aws:cloudformation:stack-name\",\"Value\":\"safedeploy-taxi-prod\"}]}";

  private static JudgeActivities judge(ActivityTesting t) {
    return t.stub(JudgeActivities.class);
  }

  private static ActivityTesting activities(RecordedHttpClient http) {
    AwsBackendConfig config = RecordedHttpClient.config();
    AwsClients c = http.clients(config);
    return new ActivityTesting(new AwsJudgeActivitiesImpl(c.sageMaker(), c.s3(), c.cloudWatch(),
        new StackDeployer(c.cloudFormation(), config), config, "s3://bucket/sd/datacapture"));
  }

  @Test
  void startMovesGreenToTheShadowVariantsOfANewConfig() {
    RecordedHttpClient http = new RecordedHttpClient()
        .on("SageMaker.DescribeEndpoint", endpoint(BASE, true))
        .on("SageMaker.DescribeEndpoint", endpoint(SHADOW, false))
        .onMatching("SageMaker.DescribeEndpointConfig", "\"" + BASE + "\"", BASE_CONFIG)
        .onMatching("SageMaker.DescribeEndpointConfig", "\"" + SHADOW + "\"", 400, NOT_FOUND)
        .onMatching("SageMaker.DescribeEndpointConfig", "\"" + SHADOW + "\"", SHADOW_CONFIG)
        .on("SageMaker.CreateEndpointConfig", "{\"EndpointConfigArn\":\"arn:x\"}")
        .on("SageMaker.UpdateEndpoint", "{\"EndpointArn\":\"arn:y\"}")
        .on("SageMaker.ListTags", BASE_TAGS)
        .on("DescribeStacks", 400, NO_STACK);
    try (ActivityTesting t = activities(http)) {
      ShadowState s = judge(t).startShadow(new ShadowRequest(ENDPOINT, "v2"));
      assertThat(s.mirroring()).isTrue();
      assertThat(s.shadowVariant()).isEqualTo("v2");
      String create = http.bodiesOf("SageMaker.CreateEndpointConfig").get(0);
      assertThat(create).contains("\"EndpointConfigName\":\"" + SHADOW + "\"")
          .contains("\"ProductionVariants\":[{\"VariantName\":\"v1\"")
          .contains("\"ShadowProductionVariants\":[{\"VariantName\":\"v2\"")
          // every request mirrored: the shadow weighs what blue does
          .contains("\"InitialVariantWeight\":100.0}]")
          .contains("\"DestinationS3Uri\":\"s3://bucket/sd/datacapture\"")
          .contains("{\"Key\":\"safedeploy:shadow-base-config\",\"Value\":\"" + BASE + "\"}")
          .contains("{\"Key\":\"safedeploy:model\",\"Value\":\"taxi\"}").doesNotContain("aws:cloudformation");
      assertThat(http.bodiesOf("SageMaker.UpdateEndpoint")).singleElement().asString()
          .contains("\"EndpointConfigName\":\"" + SHADOW + "\"").contains("\"RetainAllVariantProperties\":true");
      assertThat(http.conformance.violations).isEmpty();
    }
  }

  @Test
  void startAdoptsAShadowAlreadyRunning() {
    RecordedHttpClient http = new RecordedHttpClient()
        .on("SageMaker.DescribeEndpoint", endpoint(SHADOW, false))
        .onMatching("SageMaker.DescribeEndpointConfig", "\"" + SHADOW + "\"", SHADOW_CONFIG);
    try (ActivityTesting t = activities(http)) {
      assertThat(judge(t).startShadow(new ShadowRequest(ENDPOINT, "v2")).mirroring()).isTrue();
      assertThat(http.bodiesOf("SageMaker.CreateEndpointConfig")).isEmpty();
      assertThat(http.bodiesOf("SageMaker.UpdateEndpoint")).isEmpty();
    }
  }

  @Test
  void startWhereTheRegionRefusesShadowVariantsSaysSo() {
    RecordedHttpClient http = new RecordedHttpClient()
        .on("SageMaker.DescribeEndpoint", endpoint(BASE, true))
        .onMatching("SageMaker.DescribeEndpointConfig", "\"" + BASE + "\"", BASE_CONFIG)
        .onMatching("SageMaker.DescribeEndpointConfig", "\"" + SHADOW + "\"", 400, NOT_FOUND)
        .on("SageMaker.ListTags", BASE_TAGS)
        .on("SageMaker.CreateEndpointConfig", 400, "{\"__type\":\"ValidationException\",\"message\":"
            + "\"ShadowProductionVariants is not supported in this region.\"}");
    try (ActivityTesting t = activities(http)) {
      ShadowState s = judge(t).startShadow(new ShadowRequest(ENDPOINT, "v2"));
      assertThat(s.mirroring()).isFalse();
      assertThat(s.note()).isEqualTo("SageMaker refused ShadowProductionVariants here: ShadowProductionVariants is"
          + " not supported in this region.: no shadow step");
      assertThat(http.bodiesOf("SageMaker.UpdateEndpoint")).isEmpty();
    }
  }

  @Test
  void anUpdateRefusedForTheShadowLeavesTheEndpointAsItWas() {
    RecordedHttpClient http = new RecordedHttpClient()
        .on("SageMaker.DescribeEndpoint", endpoint(BASE, true))
        .onMatching("SageMaker.DescribeEndpointConfig", "\"" + BASE + "\"", BASE_CONFIG)
        .onMatching("SageMaker.DescribeEndpointConfig", "\"" + SHADOW + "\"", 400, NOT_FOUND)
        .onMatching("SageMaker.DescribeEndpointConfig", "\"" + SHADOW + "\"", SHADOW_CONFIG)
        .on("SageMaker.ListTags", BASE_TAGS)
        .on("SageMaker.CreateEndpointConfig", "{\"EndpointConfigArn\":\"arn:x\"}")
        .on("SageMaker.UpdateEndpoint", 400, "{\"__type\":\"ValidationException\",\"message\":"
            + "\"Shadow variants are not supported for instance type ml.m5.large.\"}")
        .on("SageMaker.DeleteEndpointConfig", "{}")
        .on("DescribeStacks", 400, NO_STACK);
    try (ActivityTesting t = activities(http)) {
      ShadowState s = judge(t).startShadow(new ShadowRequest(ENDPOINT, "v2"));
      assertThat(s.mirroring()).isFalse();
      assertThat(s.note()).isEqualTo("SageMaker refused to move taxi-prod onto the shadow config: Shadow variants are"
          + " not supported for instance type ml.m5.large.: no shadow step");
      assertThat(http.bodiesOf("SageMaker.DeleteEndpointConfig")).singleElement().asString().contains(SHADOW);
    }
  }

  @Test
  void stopGoesBackToTheBaseConfigAndDeletesTheShadowConfig() {
    RecordedHttpClient http = new RecordedHttpClient()
        .on("SageMaker.DescribeEndpoint", endpoint(SHADOW, false))
        .on("SageMaker.DescribeEndpoint", endpoint(SHADOW, false))
        .on("SageMaker.DescribeEndpoint", endpoint(BASE, true))
        .onMatching("SageMaker.DescribeEndpointConfig", "\"" + SHADOW + "\"", SHADOW_CONFIG)
        .on("DescribeStacks", 400, NO_STACK)
        .on("SageMaker.ListTags", "{\"Tags\":[{\"Key\":\"safedeploy:shadow-base-config\",\"Value\":\"" + BASE
            + "\"}]}")
        .on("SageMaker.UpdateEndpoint", "{\"EndpointArn\":\"arn:y\"}")
        .on("SageMaker.DeleteEndpointConfig", "{}");
    try (ActivityTesting t = activities(http)) {
      ShadowState s = judge(t).stopShadow(new ShadowRequest(ENDPOINT, "v2"));
      assertThat(s.mirroring()).isFalse();
      assertThat(s.note()).isEqualTo("stopped");
      assertThat(http.bodiesOf("SageMaker.UpdateEndpoint")).singleElement().asString()
          .contains("\"EndpointConfigName\":\"" + BASE + "\"").contains("\"RetainAllVariantProperties\":true");
      assertThat(http.bodiesOf("SageMaker.DeleteEndpointConfig")).singleElement().asString().contains(SHADOW);
    }
  }

  @Test
  void greensAutoScalingIsDeregisteredForTheShadowAndRegisteredAfter(MotoServer moto) {
    AwsClients c = moto.clients();
    StackDeployer stacks = new StackDeployer(c.cloudFormation(), moto.config());
    try (ActivityTesting t = new ActivityTesting(new AwsEndpointActivitiesImpl(c.sageMaker(), c.cloudWatch(),
        stacks, moto.config()))) {
      EndpointActivities e = t.stub(EndpointActivities.class);
      e.createModel(new ModelSpec("taxi-v1", "taxi", "v1", "s3://safedeploy-test/sd/models/v1/model.tar.gz", 4.5));
      e.createModel(new ModelSpec("taxi-v2", "taxi", "v2", "s3://safedeploy-test/sd/models/v2/model.tar.gz", 4.2));
      e.addVariant(new VariantChange(ENDPOINT, "taxi", new VariantSpec("v1", "taxi-v1", "v1", 100, 1, null)));
      e.addVariant(new VariantChange(ENDPOINT, "taxi", new VariantSpec("v2", "taxi-v2", "v2", 0, 1, null)));
    }
    String stack = AwsEndpointActivitiesImpl.stackName(ENDPOINT);
    String config = c.sageMaker().describeEndpoint(b -> b.endpointName(ENDPOINT)).endpointConfigName();
    ShadowVariants shadows = new ShadowVariants(c.sageMaker(), stacks, moto.config());
    assertThat(stacks.parameters(stack)).containsEntry("VariantBName", "v2")
        .containsEntry("VariantBAutoScaling", "true");
    shadows.autoScaling(ENDPOINT, "v2", false);
    assertThat(stacks.parameters(stack)).containsEntry("VariantBAutoScaling", "false")
        .containsEntry("VariantAAutoScaling", "true");
    // only the scaling resources changed: the endpoint keeps its config and both variants
    assertThat(c.sageMaker().describeEndpoint(b -> b.endpointName(ENDPOINT)).endpointConfigName()).isEqualTo(config);
    shadows.autoScaling(ENDPOINT, "v2", true);
    assertThat(stacks.parameters(stack)).containsEntry("VariantBAutoScaling", "true");
  }
}
