package dev.safedeploy.activities.aws.sagemaker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.safedeploy.activities.aws.ActivityTesting;
import dev.safedeploy.activities.aws.MotoServer;
import dev.safedeploy.activities.aws.MotoServerExtension;
import dev.safedeploy.activities.aws.RecordedHttpClient;
import dev.safedeploy.workflows.activities.Failures;
import dev.safedeploy.workflows.activities.TrainingActivities;
import dev.safedeploy.workflows.activities.TrainingActivities.TrainingRequest;
import dev.safedeploy.workflows.activities.TrainingActivities.TrainingResult;
import dev.safedeploy.workflows.pipeline.Hyperparameters;
import io.temporal.failure.ApplicationFailure;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.sagemaker.model.DescribeTrainingJobResponse;
import software.amazon.awssdk.services.sagemaker.model.Tag;

@ExtendWith(MotoServerExtension.class)
class TrainingActivitiesTest {

  private static TrainingRequest request() {
    return new TrainingRequest("taxi-v1-train", "taxi", "v1", "s3://data/taxi/train.csv",
        "s3://data/taxi/validation.csv", Hyperparameters.withDefaults(Map.of("max_depth", "6")), "alice@example.com");
  }

  /** moto: CreateTrainingJob and DescribeTrainingJob are real; moto never runs the job. */
  @Test
  void createsTheJobOnceWithImageChannelsTagsAndHyperparameters(MotoServer moto) {
    var sm = moto.clients().sageMaker();
    try (ActivityTesting t = new ActivityTesting(new AwsTrainingActivitiesImpl(sm, moto.config()))) {
      TrainingActivities activities = t.stub(TrainingActivities.class);
      // moto marks the job Completed at once with only a "train:progress" metric: no validation:rmse, a job failure
      ApplicationFailure f = ActivityTesting.failure(() -> activities.train(request()));
      assertThat(f.getType()).isEqualTo(Failures.JOB_FAILED);
      assertThat(f.isNonRetryable()).isTrue();
      assertThat(f.getOriginalMessage()).contains("validation:rmse").contains("taxi-v1-train");

      DescribeTrainingJobResponse d = sm.describeTrainingJob(b -> b.trainingJobName("taxi-v1-train"));
      assertThat(d.algorithmSpecification().trainingImage())
          .isEqualTo("683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1");
      assertThat(d.hyperParameters()).containsEntry("max_depth", "6").containsEntry("eta", "0.2")
          .containsEntry("num_round", "100").containsEntry("objective", "reg:squarederror");
      assertThat(d.inputDataConfig()).extracting(c -> c.channelName() + " " + c.contentType() + " "
              + c.dataSource().s3DataSource().s3Uri())
          .containsExactly("train text/csv s3://data/taxi/train.csv",
              "validation text/csv s3://data/taxi/validation.csv");
      assertThat(d.outputDataConfig().s3OutputPath()).isEqualTo("s3://safedeploy-test/sd/models/taxi/v1");
      assertThat(d.roleArn()).isEqualTo(MotoServer.ROLE);
      assertThat(sm.listTags(b -> b.resourceArn(d.trainingJobArn())).tags()).extracting(Tag::key, Tag::value)
          .contains(org.assertj.core.groups.Tuple.tuple("safedeploy:model", "taxi"),
              org.assertj.core.groups.Tuple.tuple("safedeploy:version", "v1"),
              org.assertj.core.groups.Tuple.tuple("safedeploy:requested-by", "alice@example.com"));

      // a retried activity adopts the job instead of making a second one
      ActivityTesting.failure(() -> activities.train(request()));
      assertThat(sm.listTrainingJobs(b -> b.nameContains("taxi-v1")).trainingJobSummaries()).hasSize(1);
    }
  }

  private static final String IN_PROGRESS = """
      {"TrainingJobName":"taxi-v1-train","TrainingJobArn":"arn:aws:sagemaker:us-east-1:123456789012:training-job/taxi-v1-train",
       "TrainingJobStatus":"InProgress","SecondaryStatus":"Training","HyperParameters":{"num_round":"100"},
       "AlgorithmSpecification":{"TrainingImage":"x","TrainingInputMode":"File"},"CreationTime":1764170000.0}""";

  private static final String COMPLETED = """
      {"TrainingJobName":"taxi-v1-train","TrainingJobArn":"arn:aws:sagemaker:us-east-1:123456789012:training-job/taxi-v1-train",
       "TrainingJobStatus":"Completed","SecondaryStatus":"Completed","HyperParameters":{"num_round":"100"},
       "AlgorithmSpecification":{"TrainingImage":"x","TrainingInputMode":"File"},"CreationTime":1764170000.0,
       "ModelArtifacts":{"S3ModelArtifacts":"s3://safedeploy-test/sd/models/taxi/v1/taxi-v1-train/output/model.tar.gz"},
       "TrainingTimeInSeconds":312,
       "FinalMetricDataList":[{"MetricName":"train:rmse","Value":3.91,"Timestamp":1764170300.0},
                              {"MetricName":"validation:rmse","Value":4.27,"Timestamp":1764170300.0}]}""";

  private static final String FAILED = """
      {"TrainingJobName":"taxi-v1-train","TrainingJobArn":"arn:aws:sagemaker:us-east-1:123456789012:training-job/taxi-v1-train",
       "TrainingJobStatus":"Failed","SecondaryStatus":"Failed","HyperParameters":{"num_round":"100"},
       "AlgorithmSpecification":{"TrainingImage":"x","TrainingInputMode":"File"},"CreationTime":1764170000.0,
       "FailureReason":"ClientError: Rows 1-5000 in file /opt/ml/input/data/train/train.csv have more fields than expected"}""";

  /** Recorded shapes (moto cannot run a job): an adopted job polled from InProgress to Completed, with heartbeats. */
  @Test
  void pollsAnAdoptedJobToCompletionAndReadsRmseByName() {
    RecordedHttpClient http = new RecordedHttpClient()
        .on("SageMaker.DescribeTrainingJob", IN_PROGRESS)
        .on("SageMaker.DescribeTrainingJob", IN_PROGRESS)
        .on("SageMaker.DescribeTrainingJob", COMPLETED);
    var sm = http.clients(RecordedHttpClient.config()).sageMaker();
    try (ActivityTesting t = new ActivityTesting(new AwsTrainingActivitiesImpl(sm, RecordedHttpClient.config()))) {
      TrainingResult r = t.stub(TrainingActivities.class).train(request());
      assertThat(r.validationRmse()).isEqualTo(4.27);
      assertThat(r.artifactUri()).endsWith("/taxi-v1-train/output/model.tar.gz");
      assertThat(r.rounds()).isEqualTo(100);
      assertThat(r.trainingMillis()).isEqualTo(312_000L);
      assertThat(http.bodiesOf("SageMaker.CreateTrainingJob")).isEmpty();
      assertThat(t.heartbeats).anySatisfy(h -> assertThat(h).contains("InProgress"));
    }
  }

  @Test
  void failedJobIsNonRetryableWithItsFailureReason() {
    RecordedHttpClient http = new RecordedHttpClient().on("SageMaker.DescribeTrainingJob", FAILED);
    var sm = http.clients(RecordedHttpClient.config()).sageMaker();
    try (ActivityTesting t = new ActivityTesting(new AwsTrainingActivitiesImpl(sm, RecordedHttpClient.config()))) {
      ApplicationFailure f = ActivityTesting.failure(() -> t.stub(TrainingActivities.class).train(request()));
      assertThat(f.getType()).isEqualTo(Failures.JOB_FAILED);
      assertThat(f.isNonRetryable()).isTrue();
      assertThat(f.getOriginalMessage()).contains("ended Failed").contains("more fields than expected");
    }
  }

  /** SageMaker's own words when S3 refuses the execution role; the failure says which grant is missing. */
  @Test
  void aJobRefusedByS3NamesTheExecutionRoleGrant() {
    RecordedHttpClient http = new RecordedHttpClient().on("SageMaker.DescribeTrainingJob", FAILED.replace(
        "ClientError: Rows 1-5000 in file /opt/ml/input/data/train/train.csv have more fields than expected",
        "ClientError: Data download failed:Failed to download data. AccessDenied (403): Access Denied"));
    var sm = http.clients(RecordedHttpClient.config()).sageMaker();
    try (ActivityTesting t = new ActivityTesting(new AwsTrainingActivitiesImpl(sm, RecordedHttpClient.config()))) {
      ApplicationFailure f = ActivityTesting.failure(() -> t.stub(TrainingActivities.class).train(request()));
      assertThat(f.isNonRetryable()).isTrue();
      assertThat(f.getOriginalMessage()).contains("AccessDenied (403)").contains("SageMaker execution role")
          .contains("DataPrefix");
    }
  }

  @Test
  void localDataIsRefusedBeforeAnyCall() {
    RecordedHttpClient http = new RecordedHttpClient();
    var sm = http.clients(RecordedHttpClient.config()).sageMaker();
    try (ActivityTesting t = new ActivityTesting(new AwsTrainingActivitiesImpl(sm, RecordedHttpClient.config()))) {
      ApplicationFailure f = ActivityTesting.failure(() -> t.stub(TrainingActivities.class).train(
          new TrainingRequest("taxi-v1-train", "taxi", "v1", "file:/tmp/train.csv", "s3://d/v.csv", Map.of(), "me")));
      assertThat(f.getType()).isEqualTo(Failures.BAD_DATA);
      assertThat(f.getOriginalMessage()).contains("data.train").contains("file:/tmp/train.csv");
      assertThat(http.calls).isEmpty();
    }
  }

  /** Recorded shape: a job that does not exist yet is created, then followed. */
  @Test
  void createsWhenDescribeSaysNotFound() {
    RecordedHttpClient http = new RecordedHttpClient()
        .on("SageMaker.DescribeTrainingJob", 400,
            "{\"__type\":\"ValidationException\",\"message\":\"Requested resource not found.\"}")
        .on("SageMaker.DescribeTrainingJob", COMPLETED)
        .on("SageMaker.CreateTrainingJob", "{\"TrainingJobArn\":\"arn:aws:sagemaker:us-east-1:1:training-job/x\"}");
    var sm = http.clients(RecordedHttpClient.config()).sageMaker();
    try (ActivityTesting t = new ActivityTesting(new AwsTrainingActivitiesImpl(sm, RecordedHttpClient.config()))) {
      assertThat(t.stub(TrainingActivities.class).train(request()).validationRmse()).isEqualTo(4.27);
      assertThat(http.bodiesOf("SageMaker.CreateTrainingJob")).singleElement().asString()
          .contains("\"TrainingJobName\":\"taxi-v1-train\"").contains("\"ContentType\":\"text/csv\"");
    }
  }
}
