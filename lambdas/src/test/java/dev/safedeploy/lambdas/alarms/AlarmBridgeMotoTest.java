package dev.safedeploy.lambdas.alarms;

import static dev.safedeploy.lambdas.LambdaRuntime.event;
import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.ScheduledEvent;
import dev.safedeploy.lambdas.MotoServer;
import dev.safedeploy.lambdas.alarms.AlarmBridgeTemporalTest.AlarmInbox;
import dev.safedeploy.lambdas.alarms.AlarmBridgeTemporalTest.AlarmInboxImpl;
import dev.safedeploy.workflows.pipeline.AlarmSignal;
import dev.safedeploy.workflows.retrain.RetrainWorkflow;
import dev.safedeploy.workflows.testing.RetrainStandIn;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatch.model.ComparisonOperator;
import software.amazon.awssdk.services.cloudwatch.model.Statistic;
import software.amazon.awssdk.services.cloudwatch.model.Tag;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * The bridge's AWS adapters against moto_server: alarm tags through ListTagsForResource, the Temporal API key from
 * Secrets Manager; and the whole bridge, from the EventBridge event through moto's alarm tags to a workflow signal on
 * Temporal's test server.
 */
class AlarmBridgeMotoTest {

  private static MotoServer moto;
  private static CloudWatchClient cloudWatch;
  private static SecretsManagerClient secrets;

  @BeforeAll
  static void startMoto() throws Exception {
    moto = MotoServer.start();
    cloudWatch = CloudWatchClient.builder().endpointOverride(moto.endpoint()).region(MotoServer.REGION)
        .credentialsProvider(MotoServer.CREDENTIALS).httpClient(UrlConnectionHttpClient.create()).build();
    secrets = SecretsManagerClient.builder().endpointOverride(moto.endpoint()).region(MotoServer.REGION)
        .credentialsProvider(MotoServer.CREDENTIALS).httpClient(UrlConnectionHttpClient.create()).build();
  }

  @AfterAll
  static void stopMoto() {
    if (cloudWatch != null) {
      cloudWatch.close();
      secrets.close();
    }
    if (moto != null) {
      moto.close();
    }
  }

  private static String putAlarm(String name, Tag... tags) {
    cloudWatch.putMetricAlarm(r -> r.alarmName(name)
        .namespace("AWS/SageMaker").metricName("Invocation5XXErrors")
        .statistic(Statistic.SUM).period(60).evaluationPeriods(1).threshold(0.0)
        .comparisonOperator(ComparisonOperator.GREATER_THAN_THRESHOLD)
        .tags(tags));
    return cloudWatch.describeAlarms(r -> r.alarmNames(name)).metricAlarms().get(0).alarmArn();
  }

  @Test
  void tagsOfATaggedAlarm() {
    String arn = putAlarm("nyctaxi-prod-v9-5xx", Tag.builder().key("safedeploy:workflow-id").value("deploy-nyctaxi-v9")
        .build(), Tag.builder().key("safedeploy:model").value("nyctaxi").build());

    assertThat(new CloudWatchAlarmTags(cloudWatch).tagsOf(arn))
        .containsEntry("safedeploy:workflow-id", "deploy-nyctaxi-v9")
        .containsEntry("safedeploy:model", "nyctaxi");
  }

  @Test
  void untaggedAndUnknownAlarmsHaveNoTags() {
    String arn = putAlarm("nyctaxi-prod-v8-5xx");
    CloudWatchAlarmTags tags = new CloudWatchAlarmTags(cloudWatch);
    assertThat(tags.tagsOf(arn)).isEmpty();
    assertThat(tags.tagsOf(arn.replace("v8", "gone"))).isEmpty();
  }

  @Test
  void temporalApiKeyComesFromTheSecret() {
    String secretArn =
        secrets.createSecret(r -> r.name("safedeploy/temporal-api-key").secretString("tc-key-123")).arn();

    var settings = TemporalSettings.fromEnvironment(Map.of(
        TemporalSettings.ADDRESS, "safedeploy.a1b2c.tmprl.cloud:7233",
        TemporalSettings.NAMESPACE, "safedeploy.a1b2c",
        TemporalSettings.API_KEY_SECRET_ARN, secretArn), new SecretsManagerSecrets(secrets));

    assertThat(settings.profile().getApiKey()).isEqualTo("tc-key-123");
    // an API key turns TLS on, as Temporal Cloud expects
    assertThat(settings.profile().toWorkflowServiceStubsOptions().getEnableHttps()).isTrue();
  }

  @Test
  void alarmEventBecomesASignalThroughRealTagsAndARealTemporalServer() {
    // moto's account is 123456789012 in us-east-1, as in the fixture's resources[0]
    String arn = putAlarm("nyctaxi-prod-v2-5xx", Tag.builder().key("safedeploy:workflow-id").value("deploy-nyctaxi-v2")
        .build());
    ScheduledEvent alarmEvent = event("cloudwatch-alarm-state-change.json", ScheduledEvent.class);
    assertThat(alarmEvent.getResources()).containsExactly(arn);

    try (TestWorkflowEnvironment env = TestWorkflowEnvironment.newInstance()) {
      env.newWorker("moto-bridge").registerWorkflowImplementationTypes(AlarmInboxImpl.class);
      env.start();
      WorkflowClient client = env.getWorkflowClient();
      AlarmInbox inbox = client.newWorkflowStub(AlarmInbox.class,
          WorkflowOptions.newBuilder().setWorkflowId("deploy-nyctaxi-v2").setTaskQueue("moto-bridge").build());
      WorkflowClient.start(inbox::collect, 1);

      AlarmBridgeHandler bridge = new AlarmBridgeHandler(new CloudWatchAlarmTags(cloudWatch),
          new TemporalAlarmSignaller(client), Set.of("ALARM"));
      assertThat(bridge.handleRequest(alarmEvent, null)).isEqualTo("FORWARDED");

      AlarmSignal[] received = client.newUntypedWorkflowStub("deploy-nyctaxi-v2").getResult(AlarmSignal[].class);
      assertThat(List.of(received)).singleElement().satisfies(signal -> {
        assertThat(signal.alarmName()).isEqualTo("nyctaxi-prod-v2-5xx");
        assertThat(signal.signalsAlarm()).isTrue();
      });
    }
  }

  @Test
  void driftAlarmEventRetrainsThroughRealTagsAndARealTemporalServer() {
    // as the AWS backend tags every drift alarm (DriftAlarms): the model's retrain workflow
    cloudWatch.putMetricAlarm(r -> r.alarmName("nyctaxi-prod-drift-total_amount")
        .namespace("aws/sagemaker/Endpoints/data-metrics").metricName("feature_baseline_drift_total_amount")
        .statistic(Statistic.AVERAGE).period(3600).evaluationPeriods(1).threshold(0.2)
        .comparisonOperator(ComparisonOperator.GREATER_THAN_THRESHOLD)
        .tags(Tag.builder().key("safedeploy:workflow-id").value("retrain-nyctaxi").build()));
    ScheduledEvent drift = event("cloudwatch-drift-alarm-state-change.json", ScheduledEvent.class);
    assertThat(drift.getResources()).containsExactly(cloudWatch.describeAlarms(r -> r.alarmNames(
        "nyctaxi-prod-drift-total_amount")).metricAlarms().get(0).alarmArn());

    RetrainStandIn.expect(2);
    try (TestWorkflowEnvironment env = TestWorkflowEnvironment.newInstance()) {
      env.newWorker(RetrainWorkflow.TASK_QUEUE).registerWorkflowImplementationTypes(RetrainStandIn.class);
      env.start();
      WorkflowClient client = env.getWorkflowClient();
      AlarmBridgeHandler bridge = new AlarmBridgeHandler(new CloudWatchAlarmTags(cloudWatch),
          new TemporalAlarmSignaller(client), Set.of("ALARM"));
      assertThat(bridge.handleRequest(drift, null)).isEqualTo("FORWARDED");
      assertThat(bridge.handleRequest(drift, null)).isEqualTo("FORWARDED");
      client.newUntypedWorkflowStub("retrain-nyctaxi").getResult(Void.class);
      assertThat(RetrainStandIn.RECEIVED).hasSize(2)
          .allMatch(s -> s.equals("retrain-nyctaxi nyctaxi-prod-drift-total_amount ALARM 0.44"));
    }
  }
}
