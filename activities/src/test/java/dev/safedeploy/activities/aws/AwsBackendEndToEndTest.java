package dev.safedeploy.activities.aws;

import dev.safedeploy.workflows.client.PipelineRuns;
import static org.assertj.core.api.Assertions.assertThat;

import dev.safedeploy.activities.aws.cloudwatch.AlarmNames;
import dev.safedeploy.workflows.lease.EndpointLeases;
import dev.safedeploy.workflows.pipeline.ApprovalDecision;
import dev.safedeploy.workflows.pipeline.DataLocations;
import dev.safedeploy.workflows.pipeline.DeploymentPolicy;
import dev.safedeploy.workflows.pipeline.Outcome;
import dev.safedeploy.workflows.pipeline.PipelineRequest;
import dev.safedeploy.workflows.pipeline.PipelineResult;
import dev.safedeploy.workflows.pipeline.PipelineStatus;
import dev.safedeploy.workflows.pipeline.SafeDeploymentWorkflow;
import dev.safedeploy.workflows.pipeline.SafeDeploymentWorkflowImpl;
import dev.safedeploy.workflows.pipeline.SearchAttributes;
import dev.safedeploy.workflows.pipeline.Stage;
import dev.safedeploy.workflows.pipeline.Strategy;
import io.temporal.api.enums.v1.IndexedValueType;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowStub;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.SdkResponse;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.cloudwatch.model.StateValue;
import software.amazon.awssdk.services.sagemaker.SageMakerClient;
import software.amazon.awssdk.services.sagemaker.model.DescribeTrainingJobResponse;
import software.amazon.awssdk.services.sagemaker.model.MetricData;
import software.amazon.awssdk.services.sagemaker.model.TrainingJobStatus;

/**
 * The whole workflow ({@link SafeDeploymentWorkflowImpl}) with every AWS adapter talking to moto_server, traffic mode
 * weights, approval through the {@code decide} update: a first version is promoted, then a second one is canaried, its
 * 5xx alarm goes off during the canary bake, and production rolls back to the first.
 *
 * <p>What moto cannot do is driven explicitly, and only that: (1) moto never runs a training job, so an
 * ExecutionInterceptor on the SageMaker client adds the {@code validation:rmse} a finished job reports to moto's
 * Completed DescribeTrainingJob answer; (2) moto answers InvokeEndpoint from a queue of results, filled with numbers;
 * (3) moto's endpoints write no data capture, so an interceptor on the runtime client writes a capture object where
 * SageMaker would, under the variant holding most of the weight, for every invocation of the prod endpoint; (4) moto
 * evaluates no metrics, so the alarm is set with SetAlarmState. Real time (no time skipping) with short bakes, so the
 * alarm lands inside the canary bake. A second run lets the canary judge roll back a green whose captured answers
 * differ from blue's.
 */
@ExtendWith(MotoServerExtension.class)
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class AwsBackendEndToEndTest {

  /** moto's Completed training jobs carry no validation metric; add the one SageMaker's XGBoost reports. */
  static final class FinishedTrainingJobs implements ExecutionInterceptor {
    @Override
    public SdkResponse modifyResponse(Context.ModifyResponse context, ExecutionAttributes attributes) {
      if (context.response() instanceof DescribeTrainingJobResponse r
          && r.trainingJobStatus() == TrainingJobStatus.COMPLETED) {
        double rmse = r.trainingJobName().contains("-v1-") ? 4.3 : 4.2;
        return r.toBuilder()
            .finalMetricDataList(MetricData.builder().metricName("validation:rmse").value((float) rmse).build())
            .modelArtifacts(a -> a.s3ModelArtifacts(r.outputDataConfig().s3OutputPath() + "/"
                + r.trainingJobName() + "/output/model.tar.gz"))
            .build();
      }
      return context.response();
    }
  }

  /** SageMaker's data capture, which moto's endpoints do not write: one object per prod invocation. */
  static final class Capture implements ExecutionInterceptor {
    private final MotoServer moto;
    private final java.util.concurrent.atomic.AtomicInteger n = new java.util.concurrent.atomic.AtomicInteger();

    Capture(MotoServer moto) {
      this.moto = moto;
    }

    @Override
    public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
      if (context.request() instanceof software.amazon.awssdk.services.sagemakerruntime.model.InvokeEndpointRequest r
          && r.endpointName().equals("taxi-prod")) {
        var d = moto.clients().sageMaker().describeEndpoint(b -> b.endpointName("taxi-prod"));
        String variant = d.productionVariants().stream().max(java.util.Comparator.comparingDouble(
            v -> v.currentWeight() == null ? 0 : v.currentWeight())).orElseThrow().variantName();
        String hour = java.time.format.DateTimeFormatter.ofPattern("yyyy/MM/dd/HH")
            .withZone(java.time.ZoneOffset.UTC).format(java.time.Instant.now());
        moto.clients().s3().putObject(b -> b.bucket(MotoServer.BUCKET).key("sd/datacapture/taxi-prod/" + variant
            + "/" + hour + "/capture-" + n.incrementAndGet() + ".jsonl"), RequestBody.fromString("{\"captureData\":{}}"));
      }
    }
  }

  private static AwsClients clients(MotoServer moto) {
    AwsClients c = moto.clients();
    var runtime = software.amazon.awssdk.services.sagemakerruntime.SageMakerRuntimeClient.builder()
        .region(software.amazon.awssdk.regions.Region.US_EAST_1).endpointOverride(moto.endpoint())
        .credentialsProvider(software.amazon.awssdk.auth.credentials.StaticCredentialsProvider.create(
            software.amazon.awssdk.auth.credentials.AwsBasicCredentials.create("testing", "testing")))
        .httpClient(software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient.builder().build())
        .overrideConfiguration(o -> o.addExecutionInterceptor(new Capture(moto)))
        .build();
    SageMakerClient sm = SageMakerClient.builder().region(software.amazon.awssdk.regions.Region.US_EAST_1)
        .endpointOverride(moto.endpoint())
        .credentialsProvider(software.amazon.awssdk.auth.credentials.StaticCredentialsProvider.create(
            software.amazon.awssdk.auth.credentials.AwsBasicCredentials.create("testing", "testing")))
        .httpClient(software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient.builder().build())
        .overrideConfiguration(o -> o.addExecutionInterceptor(new FinishedTrainingJobs()))
        .build();
    return new AwsClients(sm, runtime, c.cloudFormation(), c.cloudWatch(), c.codeDeploy(), c.lambda(), c.s3(),
        c.sns(), c.kms());
  }

  private static void data(MotoServer moto) {
    var s3 = moto.clients().s3();
    s3.createBucket(b -> b.bucket(MotoServer.BUCKET));
    StringBuilder rows = new StringBuilder();
    for (int i = 0; i < 25; i++) {
      rows.append(10 + i).append(',').append(5 + i).append(",1,").append(1 + i * 0.3).append('\n');
    }
    s3.putObject(b -> b.bucket(MotoServer.BUCKET).key("sd/data/test.csv"), RequestBody.fromString(rows.toString()));
    s3.putObject(b -> b.bucket(MotoServer.BUCKET).key("sd/data/train.csv"), RequestBody.fromString(rows.toString()));
    // the local data preparation's layout: features only (the baseline job adds the target from train.csv)
    s3.putObject(b -> b.bucket(MotoServer.BUCKET).key("sd/data/baseline.csv"),
        RequestBody.fromString("duration_minutes,passenger_count,trip_distance\n5,1,1.0\n"));
    for (String v : new String[] {"v1", "v2", "v3"}) { // what the analyzer (which moto does not run) would write
      s3.putObject(b -> b.bucket(MotoServer.BUCKET).key("sd/baselines/taxi/" + v + "/statistics.json"),
          RequestBody.fromString(dev.safedeploy.activities.aws.monitoring.MonitorFiles.statistics(
              "total_amount", "duration_minutes", "passenger_count", "trip_distance")));
      s3.putObject(b -> b.bucket(MotoServer.BUCKET).key("sd/baselines/taxi/" + v + "/constraints.json"),
          RequestBody.fromString(dev.safedeploy.activities.aws.monitoring.MonitorFiles.constraints(
              "Enabled")));
    }
    StringBuilder results = new StringBuilder("{\"results\": [");
    for (int i = 0; i < 200; i++) {
      results.append(i == 0 ? "" : ",").append("{\"Body\": \"").append(12 + i % 7).append(".5\", ")
          // no InvokedProductionVariant: moto's queue cannot know which variant a request targeted
          .append("\"ContentType\": \"text/csv\"}");
    }
    moto.queueEndpointResults(results.append("]}").toString());
  }

  private static PipelineRequest request(String version) {
    return request(version, Duration.ZERO);
  }

  private static PipelineRequest request(String version, Duration watchWindow) {
    DeploymentPolicy policy = DeploymentPolicy.builder().strategy(Strategy.CANARY).canaryPercent(10)
        .bake(Duration.ofSeconds(20)).finalBake(Duration.ofSeconds(1)).alarmPollInterval(Duration.ofSeconds(1))
        .watchWindow(watchWindow).build();
    String d = "s3://" + MotoServer.BUCKET + "/sd/data/";
    return new PipelineRequest("taxi", version,
        new DataLocations(d + "train.csv", d + "validation.csv", d + "test.csv", d + "baseline.csv"),
        Map.of(), "alice", policy);
  }

  private static PipelineStatus await(SafeDeploymentWorkflow wf, Predicate<PipelineStatus> condition, String what) {
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    PipelineStatus s = wf.status();
    while (!condition.test(s)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("never reached: " + what + "; last status: " + s);
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
      s = wf.status();
    }
    return s;
  }

  /** A started real-time test server with one worker: the pipeline, the lease, and the AWS backend over moto. */
  private static TestWorkflowEnvironment pipelineOnAws(MotoServer moto, AwsClients clients) {
    TestWorkflowEnvironment env = TestWorkflowEnvironment.newInstance(
        TestEnvironmentOptions.newBuilder().setUseTimeskipping(false).build());
    SearchAttributes.ALL.forEach(k ->
        env.registerSearchAttribute(k.getName(), IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD));
    Worker worker = env.newWorker(SafeDeploymentWorkflow.TASK_QUEUE);
    worker.registerWorkflowImplementationTypes(SafeDeploymentWorkflowImpl.class);
    worker.registerActivitiesImplementations(AwsBackend.activities(moto.config(), clients).toArray());
    EndpointLeases.register(worker, env.getWorkflowClient());
    env.start();
    return env;
  }

  @Test
  void promoteThenCanaryAlarmRollsBack(MotoServer moto) throws Exception {
    data(moto);
    AwsClients clients = clients(moto);
    try (TestWorkflowEnvironment env = pipelineOnAws(moto, clients)) {
      WorkflowClient client = env.getWorkflowClient();

      // v1: first deployment, straight to 100%
      PipelineResult first = run(client, request("v1"), null);
      assertThat(first.outcome()).as(first.reason()).isEqualTo(Outcome.PROMOTED);
      assertThat(first.validationRmse()).isEqualTo(4.3);
      var sm = moto.clients().sageMaker();
      assertThat(sm.describeEndpoint(b -> b.endpointName("taxi-prod")).productionVariants())
          .extracting(v -> v.variantName()).containsExactly("v1");
      assertThat(moto.clients().cloudFormation().describeStacks(b -> b.stackName("safedeploy-taxi-prod-monitoring"))
          .stacks().get(0).stackStatusAsString()).isEqualTo("CREATE_COMPLETE");
      assertThat(sm.listEndpoints(b -> b.nameContains("taxi-dev")).endpoints()).as("dev endpoint torn down").isEmpty();

      // v2: canary at 10%, then the green variant's 5xx alarm goes off during the bake
      PipelineResult second = run(client, request("v2"), wf -> {
        await(wf, s -> s.stage() == Stage.DEPLOY_PROD && Integer.valueOf(10).equals(s.traffic().get("v2")),
            "canary at 10%");
        moto.clients().cloudWatch().setAlarmState(b -> b.alarmName(AlarmNames.variant5xx("taxi-prod", "v2"))
            .stateValue(StateValue.ALARM).stateReason("Threshold Crossed: 3 5xx in 1 minute"));
      });
      assertThat(second.outcome()).as(second.reason()).isEqualTo(Outcome.ROLLED_BACK);
      assertThat(second.reason()).contains("taxi-prod-v2-5xx");
      assertThat(sm.describeEndpoint(b -> b.endpointName("taxi-prod")).productionVariants())
          .extracting(v -> v.variantName() + "=" + v.currentWeight()).containsExactly("v1=100.0");
      assertThat(moto.clients().cloudWatch().describeAlarms(b -> b.alarmNamePrefix("taxi-prod-v2")).metricAlarms())
          .as("the rolled-back variant's alarms are gone with it").isEmpty();
      assertThat(sm.listModels(b -> b.nameContains("taxi")).models()).extracting(m -> m.modelName())
          .as("the rolled-back version's model is gone, the live one's stays").containsExactly("taxi-v1");
    }
  }

  /**
   * Models after the watch window, both ways: v2, promoted over v1, is rolled back by an operator in its watch window
   * (v1 restored from the model kept for that), and v2's model goes with it; v3 is then promoted over v1 and its
   * promotion stands, and v1's model goes once the (here empty) watch window is over.
   */
  @Test
  void aVersionRolledBackAfterItsPromotionLeavesNoModelAndAStandingPromotionRetiresBluesModel(MotoServer moto)
      throws Exception {
    data(moto);
    AwsClients clients = clients(moto);
    try (TestWorkflowEnvironment env = pipelineOnAws(moto, clients)) {
      WorkflowClient client = env.getWorkflowClient();
      var sm = moto.clients().sageMaker();
      assertThat(run(client, request("v1"), null).outcome()).isEqualTo(Outcome.PROMOTED);

      PipelineResult second = run(client, request("v2", Duration.ofMinutes(3)), wf -> {
        await(wf, s -> s.outcome() == Outcome.PROMOTED, "v2 promoted, in its watch window");
        assertThat(sm.listModels(b -> b.nameContains("taxi")).models()).extracting(m -> m.modelName())
            .as("in the watch window blue's model is kept for a rollback").containsExactlyInAnyOrder("taxi-v1",
                "taxi-v2");
        wf.rollback(new dev.safedeploy.workflows.pipeline.RollbackRequest("carol", "late regression"));
      });
      assertThat(second.outcome()).as(second.reason()).isEqualTo(Outcome.ROLLED_BACK);
      assertThat(sm.describeEndpoint(b -> b.endpointName("taxi-prod")).productionVariants())
          .extracting(v -> v.variantName() + "=" + v.currentWeight()).containsExactly("v1=100.0");
      assertThat(sm.listModels(b -> b.nameContains("taxi")).models()).extracting(m -> m.modelName())
          .as("v2, rolled back after its promotion, leaves no model").containsExactly("taxi-v1");

      PipelineResult third = run(client, request("v3"), null);
      assertThat(third.outcome()).as(third.reason()).isEqualTo(Outcome.PROMOTED);
      assertThat(sm.listModels(b -> b.nameContains("taxi")).models()).extracting(m -> m.modelName())
          .as("the promotion stands: retired v1's model goes").containsExactly("taxi-v3");
    }
  }

  /**
   * The AWS canary judge in the workflow: a second version whose captured answers run 20% above blue's during the
   * canary bake (written where SageMaker's capture would put them, timed inside the bake) fails the judge, and
   * production rolls back with the evidence, no alarm involved.
   */
  @Test
  void canaryJudgeRollsBackAGreenAnsweringHigher(MotoServer moto) throws Exception {
    data(moto);
    AwsClients clients = clients(moto);
    try (TestWorkflowEnvironment env = pipelineOnAws(moto, clients)) {
      WorkflowClient client = env.getWorkflowClient();
      assertThat(run(client, request("v1"), null).outcome()).isEqualTo(Outcome.PROMOTED);

      PipelineResult second = run(client, request("v2"), wf -> {
        await(wf, s -> s.stage() == Stage.DEPLOY_PROD && Integer.valueOf(10).equals(s.traffic().get("v2")),
            "canary at 10%");
        java.time.Instant at = java.time.Instant.now().plusSeconds(1);
        for (String v : new String[] {"v1", "v2"}) {
          StringBuilder lines = new StringBuilder();
          for (int i = 0; i < 100; i++) {
            double answer = (20 + (i % 10)) * (v.equals("v2") ? 1.2 : 1.0);
            lines.append("{\"captureData\":{\"endpointOutput\":{\"observedContentType\":\"text/csv\",")
                .append("\"mode\":\"OUTPUT\",\"data\":\"").append(answer).append("\",\"encoding\":\"CSV\"}},")
                .append("\"eventMetadata\":{\"eventId\":\"").append(v).append('-').append(i)
                .append("\",\"inferenceTime\":\"").append(at.plusMillis(20L * i)).append("\"},")
                .append("\"eventVersion\":\"0\"}\n");
          }
          String hour = java.time.format.DateTimeFormatter.ofPattern("yyyy/MM/dd/HH")
              .withZone(java.time.ZoneOffset.UTC).format(at);
          moto.clients().s3().putObject(b -> b.bucket(MotoServer.BUCKET).key("sd/datacapture/taxi-prod/" + v + "/"
              + hour + "/judged-" + v + ".jsonl"), RequestBody.fromString(lines.toString()));
        }
      });
      assertThat(second.outcome()).as(second.reason()).isEqualTo(Outcome.ROLLED_BACK);
      assertThat(second.reason()).contains("canary judge failed green at canary 10% bake")
          .contains("PREDICTION green median answer");
      assertThat(moto.clients().sageMaker().describeEndpoint(b -> b.endpointName("taxi-prod")).productionVariants())
          .extracting(v -> v.variantName() + "=" + v.currentWeight()).containsExactly("v1=100.0");
    }
  }

  private static PipelineResult run(WorkflowClient client, PipelineRequest request,
      java.util.function.Consumer<SafeDeploymentWorkflow> duringCanary) throws Exception {
    SafeDeploymentWorkflow wf = PipelineRuns.start(client, request).workflow();
    await(wf, s -> s.stage() == Stage.AWAIT_APPROVAL || s.outcome() != null, "approval of " + request.version());
    assertThat(wf.status().outcome()).as(String.valueOf(wf.status().reason())).isNull();
    wf.decide(ApprovalDecision.approve("bob", "ship it", "e2e"));
    if (duringCanary != null) {
      duringCanary.accept(wf);
    }
    return WorkflowStub.fromTyped(wf).getResult(120, TimeUnit.SECONDS, PipelineResult.class);
  }
}
