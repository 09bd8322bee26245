package dev.safedeploy.activities.aws.sagemaker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.safedeploy.activities.aws.ActivityTesting;
import dev.safedeploy.activities.aws.MotoServer;
import dev.safedeploy.activities.aws.MotoServerExtension;
import dev.safedeploy.activities.aws.RecordedHttpClient;
import dev.safedeploy.workflows.activities.BaselineActivities;
import dev.safedeploy.workflows.activities.BaselineActivities.BaselineRequest;
import dev.safedeploy.workflows.activities.BaselineActivities.BaselineResult;
import dev.safedeploy.workflows.activities.Failures;
import io.temporal.failure.ApplicationFailure;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.sync.RequestBody;

@ExtendWith(MotoServerExtension.class)
class BaselineActivitiesTest {

  private static final BaselineRequest REQUEST =
      new BaselineRequest("taxi-v1-baseline", "taxi", "v1", "s3://data/taxi/baseline.csv");
  private static final BaselineRequest LOCAL_LAYOUT = new BaselineRequest("taxi-v1-baseline", "taxi", "v1",
      "s3://safedeploy-test/data/baseline.csv", "s3://safedeploy-test/data/train.csv");

  private static void data(MotoServer moto, String baseline) {
    var s3 = moto.clients().s3();
    s3.createBucket(b -> b.bucket(MotoServer.BUCKET));
    s3.putObject(b -> b.bucket(MotoServer.BUCKET).key("data/baseline.csv"), RequestBody.fromString(baseline));
    s3.putObject(b -> b.bucket(MotoServer.BUCKET).key("data/train.csv"),
        RequestBody.fromString("18.3,12.5,1,3.2\n9.8,6.0,2,1.1\n25.1,20.0,1,6.4\n"));
  }

  private static String object(MotoServer moto, String key) {
    return moto.clients().s3().getObjectAsBytes(b -> b.bucket(MotoServer.BUCKET).key(key)).asUtf8String();
  }

  /**
   * moto: the local data layout (baseline.csv with the features only) would leave the analyzer without the target,
   * so feature_baseline_drift_total_amount would never exist; the job baselines target-first rows with a header.
   */
  @Test
  void aFeaturesOnlyBaselineGetsTheTargetFirstFromTheTrainingData(MotoServer moto) {
    data(moto, "duration_minutes,passenger_count,trip_distance\n12.5,1,3.2\n");
    var sm = moto.clients().sageMaker();
    try (ActivityTesting t = new ActivityTesting(new AwsBaselineActivitiesImpl(sm, moto.clients().s3(),
        moto.config()))) {
      t.stub(BaselineActivities.class).createBaseline(LOCAL_LAYOUT);
      var d = sm.describeProcessingJob(b -> b.processingJobName("taxi-v1-baseline"));
      assertThat(d.processingInputs().get(0).s3Input().s3Uri())
          .isEqualTo("s3://safedeploy-test/sd/baselines/taxi/v1/input/baseline.csv");
      assertThat(object(moto, "sd/baselines/taxi/v1/input/baseline.csv")).isEqualTo(
          "total_amount,duration_minutes,passenger_count,trip_distance\n18.3,12.5,1,3.2\n9.8,6.0,2,1.1\n"
              + "25.1,20.0,1,6.4\n");
    }
  }

  @Test
  void aSeedLayoutBaselineIsUsedAsItIsAndAMisplacedTargetIsRefused(MotoServer moto) {
    data(moto, "total_amount,duration_minutes,passenger_count,trip_distance\n18.3,12.5,1,3.2\n");
    var sm = moto.clients().sageMaker();
    try (ActivityTesting t = new ActivityTesting(new AwsBaselineActivitiesImpl(sm, moto.clients().s3(),
        moto.config()))) {
      t.stub(BaselineActivities.class).createBaseline(LOCAL_LAYOUT);
      assertThat(sm.describeProcessingJob(b -> b.processingJobName("taxi-v1-baseline")).processingInputs().get(0)
          .s3Input().s3Uri()).isEqualTo("s3://safedeploy-test/data/baseline.csv");
      moto.clients().s3().putObject(b -> b.bucket(MotoServer.BUCKET).key("data/baseline.csv"),
          RequestBody.fromString("duration_minutes,total_amount\n1,2\n"));
      ApplicationFailure f = ActivityTesting.failure(() -> t.stub(BaselineActivities.class).createBaseline(
          new BaselineRequest("taxi-v2-baseline", "taxi", "v2", LOCAL_LAYOUT.baselineUri(), null)));
      assertThat(f.getType()).isEqualTo(Failures.BAD_DATA);
      assertThat(f.getOriginalMessage()).contains("total_amount in column 2").contains("target goes first");
      moto.clients().s3().putObject(b -> b.bucket(MotoServer.BUCKET).key("data/baseline.csv"),
          RequestBody.fromString("duration_minutes,passenger_count,trip_distance\n1,2,3\n"));
      ApplicationFailure none = ActivityTesting.failure(() -> t.stub(BaselineActivities.class).createBaseline(
          new BaselineRequest("taxi-v2-baseline", "taxi", "v2", LOCAL_LAYOUT.baselineUri(), null)));
      assertThat(none.getOriginalMessage()).contains("no total_amount column");
    }
  }

  /** moto: CreateProcessingJob/DescribeProcessingJob are real; moto marks the job Completed without running it. */
  @Test
  void analyzerJobWithCsvHeaderAndPerRunOutput(MotoServer moto) {
    data(moto, "total_amount,duration_minutes,passenger_count,trip_distance\n18.3,12.5,1,3.2\n");
    var sm = moto.clients().sageMaker();
    try (ActivityTesting t = new ActivityTesting(new AwsBaselineActivitiesImpl(sm, moto.clients().s3(),
        moto.config()))) {
      BaselineActivities activities = t.stub(BaselineActivities.class);
      BaselineResult r = activities.createBaseline(LOCAL_LAYOUT);
      assertThat(r.statisticsUri()).isEqualTo("s3://safedeploy-test/sd/baselines/taxi/v1/statistics.json");
      assertThat(r.constraintsUri()).isEqualTo("s3://safedeploy-test/sd/baselines/taxi/v1/constraints.json");

      var d = sm.describeProcessingJob(b -> b.processingJobName("taxi-v1-baseline"));
      assertThat(d.appSpecification().imageUri())
          .isEqualTo("156813124566.dkr.ecr.us-east-1.amazonaws.com/sagemaker-model-monitor-analyzer:latest");
      // (moto does not keep the job's Environment; the recorded test below checks what is sent)
      assertThat(d.processingInputs().get(0).s3Input().s3Uri()).isEqualTo("s3://safedeploy-test/data/baseline.csv");

      assertThat(activities.createBaseline(LOCAL_LAYOUT)).isEqualTo(r); // adopted, not duplicated
      assertThat(sm.listProcessingJobs(b -> b.nameContains("taxi-v1")).processingJobSummaries()).hasSize(1);
    }
  }

  /** Recorded shape (moto never fails a job): a Failed processing job is non-retryable with its reason. */
  @Test
  void failedAnalyzerIsJobFailed() {
    RecordedHttpClient http = new RecordedHttpClient().on("SageMaker.DescribeProcessingJob", """
        {"ProcessingJobName":"taxi-v1-baseline","ProcessingJobStatus":"Failed",
         "FailureReason":"AlgorithmError: Error: Encoding mismatch: header has 4 columns, row 17 has 3",
         "ProcessingJobArn":"arn:aws:sagemaker:us-east-1:1:processing-job/taxi-v1-baseline",
         "AppSpecification":{"ImageUri":"x"},"ProcessingResources":{"ClusterConfig":{"InstanceCount":1,
         "InstanceType":"ml.m5.xlarge","VolumeSizeInGB":20}},"RoleArn":"r","CreationTime":1764170000.0}""");
    var sm = http.clients(RecordedHttpClient.config()).sageMaker();
    try (ActivityTesting t = new ActivityTesting(new AwsBaselineActivitiesImpl(sm,
        http.clients(RecordedHttpClient.config()).s3(), RecordedHttpClient.config()))) {
      ApplicationFailure f = ActivityTesting.failure(() -> t.stub(BaselineActivities.class).createBaseline(REQUEST));
      assertThat(f.getType()).isEqualTo(Failures.JOB_FAILED);
      assertThat(f.getOriginalMessage()).contains("row 17 has 3");
    }
  }

  /** Recorded shapes: created when absent (the request as sent), then Completed with its output. */
  @Test
  void createsWithCsvHeaderEnvironmentWhenAbsent() {
    RecordedHttpClient http = new RecordedHttpClient()
        .on("SageMaker.DescribeProcessingJob", 400,
            "{\"__type\":\"ResourceNotFound\",\"message\":\"Processing job taxi-v1-baseline does not exist\"}")
        .on("SageMaker.DescribeProcessingJob", """
            {"ProcessingJobName":"taxi-v1-baseline","ProcessingJobStatus":"Completed",
             "ProcessingOutputConfig":{"Outputs":[{"OutputName":"monitoring_output","S3Output":{
               "S3Uri":"s3://bucket/sd/baselines/taxi/v1","LocalPath":"/opt/ml/processing/output",
               "S3UploadMode":"EndOfJob"}}]},
             "AppSpecification":{"ImageUri":"x"},"ProcessingResources":{"ClusterConfig":{"InstanceCount":1,
             "InstanceType":"ml.m5.xlarge","VolumeSizeInGB":20}},"RoleArn":"r","CreationTime":1764170000.0}""")
        .on("SageMaker.CreateProcessingJob", "{\"ProcessingJobArn\":\"arn\"}")
        .on("GET /data/taxi/baseline.csv", "total_amount,duration_minutes\n1,2\n");
    var clients = http.clients(RecordedHttpClient.config());
    var sm = clients.sageMaker();
    try (ActivityTesting t = new ActivityTesting(new AwsBaselineActivitiesImpl(sm, clients.s3(),
        RecordedHttpClient.config()))) {
      BaselineResult r = t.stub(BaselineActivities.class).createBaseline(REQUEST);
      assertThat(r.statisticsUri()).isEqualTo("s3://bucket/sd/baselines/taxi/v1/statistics.json");
      assertThat(http.bodiesOf("SageMaker.CreateProcessingJob")).singleElement().asString()
          .contains("\"dataset_format\":\"{\\\"csv\\\": {\\\"header\\\": true, \\\"output_columns_position\\\": "
              + "\\\"START\\\"}}\"")
          .contains("\"S3Uri\":\"s3://bucket/sd/baselines/taxi/v1\"");
    }
  }

  @Test
  void imagesComeFromEachRegionsOwnRegistry() {
    // the seed's ca-central-1 analyzer entry pointed at another region; here it is ca-central-1's own
    assertThat(SageMakerImages.modelMonitorAnalyzer("ca-central-1"))
        .isEqualTo("536280801234.dkr.ecr.ca-central-1.amazonaws.com/sagemaker-model-monitor-analyzer:latest");
    assertThat(SageMakerImages.modelMonitorAnalyzer("eu-west-1")).startsWith("468650794304.dkr.ecr.eu-west-1.");
    assertThat(SageMakerImages.xgboost("eu-west-1", "1.7-1"))
        .isEqualTo("141502667606.dkr.ecr.eu-west-1.amazonaws.com/sagemaker-xgboost:1.7-1");
    assertThat(SageMakerImages.xgboost("ca-central-1", "1.7-1")).startsWith("341280168497.dkr.ecr.ca-central-1.");
    assertThat(SageMakerImages.xgboost("cn-north-1", "1.7-1")).contains(".amazonaws.com.cn/");
    assertThatThrownBy(() -> SageMakerImages.xgboost("xx-nowhere-1", "1.7-1"))
        .hasMessageContaining("xx-nowhere-1");
    for (String region : java.util.List.of("af-south-1", "eu-south-1")) {
      assertThat(SageMakerImages.xgboost(region, "1.7-1")).contains(".dkr.ecr." + region + ".");
      assertThat(SageMakerImages.modelMonitorAnalyzer(region)).contains(".dkr.ecr." + region + ".");
    }
    assertThat(SageMakerImages.modelMonitorAnalyzer("af-south-1")).startsWith("875698925577.dkr.ecr.af-south-1.");
    assertThat(SageMakerImages.modelMonitorAnalyzer("eu-south-1")).startsWith("933208885752.dkr.ecr.eu-south-1.");
    assertThat(SageMakerImages.xgboost("af-south-1", "1.7-1")).startsWith("510948584623.dkr.ecr.af-south-1.");
    assertThat(SageMakerImages.xgboost("eu-south-1", "1.7-1")).startsWith("978288397137.dkr.ecr.eu-south-1.");
    assertThat(SageMakerImages.modelMonitorAnalyzer("il-central-1")).startsWith("843974653677.dkr.ecr.il-central-1.");
    // GovCloud has XGBoost but the SDK documents no analyzer there: refused, not guessed
    assertThat(SageMakerImages.xgboost("us-gov-west-1", "1.7-1")).startsWith("414596584902.");
    assertThatThrownBy(() -> SageMakerImages.modelMonitorAnalyzer("us-gov-west-1"))
        .hasMessageContaining("Model Monitor analyzer").hasMessageContaining("us-gov-west-1");
    assertThatThrownBy(() -> SageMakerImages.xgboost("eu-west-1", "1.7"))
        .hasMessageContaining("not a built-in XGBoost version");
  }

  private static final String DENIED = """
      <?xml version="1.0" encoding="UTF-8"?>
      <Error><Code>AccessDenied</Code><Message>Access Denied</Message><RequestId>r</RequestId></Error>""";

  /**
   * S3 refusing the worker the seeded baseline it writes under the artifact prefix (the PUT, and a HEAD answering a
   * bare 403) is a clear non-retryable error naming the grant, not an S3 error retried until the activity gives up.
   */
  @Test
  void accessDeniedOnTheSeededBaselineIsAClearNonRetryableError() {
    String out = "s3://bucket/sd/baselines/taxi/v1/input/baseline.csv";
    RecordedHttpClient http = new RecordedHttpClient()
        .on("GET /bucket/data/baseline.csv", "trip_distance,passenger_count\n1.2,1\n")
        .on("GET /bucket/data/train.csv", "12.5,1.2,1\n")
        .on("HEAD /bucket/sd/baselines/taxi/v1/input/baseline.csv", 404, "")
        .on("PUT /bucket/sd/baselines/taxi/v1/input/baseline.csv", 403, DENIED);
    BaselineInput input = new BaselineInput(http.clients(RecordedHttpClient.config()).s3());
    ApplicationFailure put = catchThrowableOfType(ApplicationFailure.class, () -> input.resolve(
        "s3://bucket/data/baseline.csv", "s3://bucket/data/train.csv", out));
    assertThat(put.isNonRetryable()).isTrue();
    assertThat(put.getOriginalMessage()).contains("access denied writing " + out).contains("s3:PutObject")
        .contains("ArtifactPrefix");

    RecordedHttpClient head = new RecordedHttpClient()
        .on("GET /bucket/data/baseline.csv", "trip_distance,passenger_count\n1.2,1\n")
        .on("HEAD /bucket/sd/baselines/taxi/v1/input/baseline.csv", 403, "");
    ApplicationFailure f = catchThrowableOfType(ApplicationFailure.class, () -> new BaselineInput(
        head.clients(RecordedHttpClient.config()).s3()).resolve("s3://bucket/data/baseline.csv",
        "s3://bucket/data/train.csv", out));
    assertThat(f.isNonRetryable()).isTrue();
    assertThat(f.getOriginalMessage()).contains("access denied reading " + out).contains("ArtifactPrefix");
  }
}
