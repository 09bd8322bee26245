package dev.safedeploy.activities.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.safedeploy.workflows.activities.AlarmActivities;
import dev.safedeploy.workflows.activities.BaselineActivities;
import dev.safedeploy.workflows.activities.EndpointActivities;
import dev.safedeploy.workflows.activities.HookActivities;
import dev.safedeploy.workflows.activities.MonitoringActivities;
import dev.safedeploy.workflows.activities.NotificationActivities;
import dev.safedeploy.workflows.activities.TemplateActivities;
import dev.safedeploy.workflows.activities.TrafficActivities;
import dev.safedeploy.workflows.activities.TrainingActivities;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AwsBackendConfigTest {

  private static final Map<String, String> MINIMAL = Map.of("AWS_REGION", "eu-west-1",
      "SAFEDEPLOY_S3_BUCKET", "ml-bucket", "SAFEDEPLOY_SAGEMAKER_ROLE_ARN", "arn:aws:iam::1:role/sm");

  @Test
  void defaults() {
    AwsBackendConfig c = AwsBackendConfig.fromEnv(MINIMAL);
    assertThat(c.region()).isEqualTo("eu-west-1");
    assertThat(c.trafficMode()).isEqualTo(AwsBackendConfig.TrafficMode.WEIGHTS);
    assertThat(c.endpointOverride()).isNull();
    assertThat(c.snsTopicArn()).isNull();
    assertThat(c.s3Uri("models/taxi")).isEqualTo("s3://ml-bucket/safedeploy/models/taxi");
    assertThat(c.xgboostVersion()).isEqualTo("1.7-1");
    assertThat(c.prodInstanceCount()).isEqualTo(2);
    assertThat(c.pollInterval()).isEqualTo(Duration.ofSeconds(5));
  }

  @Test
  void everything() {
    Map<String, String> env = new java.util.HashMap<>(MINIMAL);
    env.putAll(Map.of("AWS_ENDPOINT_URL", "http://127.0.0.1:5000", "SAFEDEPLOY_S3_PREFIX", "/team/sd/",
        "SAFEDEPLOY_SNS_TOPIC_ARN", "arn:aws:sns:eu-west-1:1:sd", "SAFEDEPLOY_TRAFFIC_MODE", "CodeDeploy",
        "SAFEDEPLOY_CODEDEPLOY_APPLICATION", "safedeploy-taxi-api-App-1", "SAFEDEPLOY_CODEDEPLOY_GROUP", "group",
        "SAFEDEPLOY_LAMBDA_FUNCTION", "safedeploy-taxi-api-ApiFunction-1", "SAFEDEPLOY_LAMBDA_ALIAS", "live",
        "SAFEDEPLOY_AWS_POLL_SECONDS", "5"));
    env.put("SAFEDEPLOY_PRE_TRAFFIC_HOOK", "pre");
    env.put("SAFEDEPLOY_POST_TRAFFIC_HOOK", "post");
    AwsBackendConfig c = AwsBackendConfig.fromEnv(env);
    assertThat(c.endpointOverride()).isEqualTo(URI.create("http://127.0.0.1:5000"));
    assertThat(c.s3Uri("x")).isEqualTo("s3://ml-bucket/team/sd/x");
    assertThat(c.trafficMode()).isEqualTo(AwsBackendConfig.TrafficMode.CODEDEPLOY);
    assertThat(c.codeDeploy()).isEqualTo(new AwsBackendConfig.CodeDeployTarget("safedeploy-taxi-api-App-1", "group",
        "safedeploy-taxi-api-ApiFunction-1", "live", "pre", "post"));
    assertThat(c.pollInterval()).isEqualTo(Duration.ofSeconds(5));
  }

  /** The worker role (templates/worker-iam.yml) may use only safedeploy-* functions and CodeDeploy applications. */
  @Test
  void codeDeployTargetsOutsideTheWorkerRolesGrantsAreRefused() {
    Map<String, String> env = new java.util.HashMap<>(MINIMAL);
    env.putAll(Map.of("SAFEDEPLOY_TRAFFIC_MODE", "codedeploy", "SAFEDEPLOY_CODEDEPLOY_APPLICATION", "taxi-api-App-1",
        "SAFEDEPLOY_CODEDEPLOY_GROUP", "group", "SAFEDEPLOY_LAMBDA_FUNCTION", "taxi-api-ApiFunction-1",
        "SAFEDEPLOY_LAMBDA_ALIAS", "live", "SAFEDEPLOY_PRE_TRAFFIC_HOOK", "pre",
        "SAFEDEPLOY_POST_TRAFFIC_HOOK", "post"));
    assertThatThrownBy(() -> AwsBackendConfig.fromEnv(env)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("must start with safedeploy-").hasMessageContaining("worker-iam.yml");
    env.put("SAFEDEPLOY_CODEDEPLOY_APPLICATION", "safedeploy-taxi-api-App-1");
    assertThatThrownBy(() -> AwsBackendConfig.fromEnv(env)).hasMessageContaining("taxi-api-ApiFunction-1");
    env.put("SAFEDEPLOY_LAMBDA_FUNCTION", "arn:aws:lambda:eu-west-1:123456789012:function:safedeploy-taxi-api-Fn-1");
    assertThat(AwsBackendConfig.fromEnv(env).codeDeploy().application()).isEqualTo("safedeploy-taxi-api-App-1");
  }

  @Test
  void guardrailsModeIsRefusedWithTheReason() {
    Map<String, String> env = new java.util.HashMap<>(MINIMAL);
    env.put("SAFEDEPLOY_TRAFFIC_MODE", "guardrails");
    assertThatThrownBy(() -> AwsBackendConfig.fromEnv(env)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("guardrails was removed").hasMessageContaining("same variant names");
  }

  @Test
  void problemsAreNamed() {
    assertThatThrownBy(() -> AwsBackendConfig.fromEnv(Map.of("AWS_REGION", "eu-west-1")))
        .hasMessageContaining("SAFEDEPLOY_S3_BUCKET is required")
        .hasMessageContaining("SAFEDEPLOY_SAGEMAKER_ROLE_ARN is required");
    Map<String, String> badMode = new java.util.HashMap<>(MINIMAL);
    badMode.put("SAFEDEPLOY_TRAFFIC_MODE", "yolo");
    assertThatThrownBy(() -> AwsBackendConfig.fromEnv(badMode)).hasMessageContaining("'yolo'");
    Map<String, String> cd = new java.util.HashMap<>(MINIMAL);
    cd.put("SAFEDEPLOY_TRAFFIC_MODE", "codedeploy");
    assertThatThrownBy(() -> AwsBackendConfig.fromEnv(cd)).hasMessageContaining("SAFEDEPLOY_LAMBDA_ALIAS")
        .hasMessageContaining("SAFEDEPLOY_PRE_TRAFFIC_HOOK");
    Map<String, String> badInt = new java.util.HashMap<>(MINIMAL);
    badInt.put("SAFEDEPLOY_AWS_POLL_SECONDS", "soon");
    assertThatThrownBy(() -> AwsBackendConfig.fromEnv(badInt))
        .hasMessageContaining("SAFEDEPLOY_AWS_POLL_SECONDS must be an integer");
  }

  @Test
  void backendImplementsEveryPortOnce() {
    AwsBackendConfig c = AwsBackendConfig.fromEnv(MINIMAL);
    List<Object> activities = AwsBackend.activities(c, new RecordedHttpClient().clients(c));
    for (Class<?> port : List.of(TemplateActivities.class, TrainingActivities.class, BaselineActivities.class,
        EndpointActivities.class, TrafficActivities.class, AlarmActivities.class, HookActivities.class,
        NotificationActivities.class, MonitoringActivities.class,
        dev.safedeploy.workflows.judge.JudgeActivities.class)) {
      assertThat(activities).as(port.getSimpleName()).filteredOn(port::isInstance).hasSize(1);
    }
    assertThat(activities).hasSize(10);
  }
}
