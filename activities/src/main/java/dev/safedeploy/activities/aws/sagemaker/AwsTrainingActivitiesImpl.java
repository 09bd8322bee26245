package dev.safedeploy.activities.aws.sagemaker;

import dev.safedeploy.activities.aws.AwsBackendConfig;
import dev.safedeploy.activities.aws.AwsPolling;
import dev.safedeploy.activities.aws.AwsPolling.Poll;
import dev.safedeploy.activities.aws.s3.S3Errors;
import dev.safedeploy.workflows.activities.Failures;
import dev.safedeploy.workflows.activities.TrainingActivities;
import io.temporal.failure.ApplicationFailure;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sagemaker.SageMakerClient;
import software.amazon.awssdk.services.sagemaker.model.Channel;
import software.amazon.awssdk.services.sagemaker.model.CreateTrainingJobRequest;
import software.amazon.awssdk.services.sagemaker.model.DescribeTrainingJobResponse;
import software.amazon.awssdk.services.sagemaker.model.MetricData;
import software.amazon.awssdk.services.sagemaker.model.SageMakerException;
import software.amazon.awssdk.services.sagemaker.model.Tag;
import software.amazon.awssdk.services.sagemaker.model.TrainingInputMode;
import software.amazon.awssdk.services.sagemaker.model.TrainingJobStatus;

/** TRAIN on SageMaker: the built-in XGBoost algorithm, create-or-adopt by job name, waited on with heartbeats. */
public class AwsTrainingActivitiesImpl implements TrainingActivities {

  private static final Logger log = LoggerFactory.getLogger(AwsTrainingActivitiesImpl.class);
  static final String RMSE = "validation:rmse";

  private final SageMakerClient sageMaker;
  private final AwsBackendConfig config;

  public AwsTrainingActivitiesImpl(SageMakerClient sageMaker, AwsBackendConfig config) {
    this.sageMaker = sageMaker;
    this.config = config;
  }

  @Override
  public TrainingResult train(TrainingRequest request) {
    requireS3("train", request.trainUri());
    requireS3("validation", request.validationUri());
    String name = request.jobName();
    if (describe(name).isPresent()) {
      log.info("adopting existing training job {}", name);
    } else {
      create(request);
    }
    DescribeTrainingJobResponse done = AwsPolling.until("training job " + name, config, () -> {
      DescribeTrainingJobResponse d = describe(name).orElseThrow(() -> ApplicationFailure.newFailure(
          "training job " + name + " vanished while waiting for it", Failures.NOT_FOUND));
      TrainingJobStatus s = d.trainingJobStatus();
      if (s == TrainingJobStatus.IN_PROGRESS || s == TrainingJobStatus.STOPPING) {
        return Poll.waiting(s + " / " + d.secondaryStatusAsString());
      }
      return Poll.done(d);
    });
    return result(done);
  }

  /** Maps a finished job (Completed, Failed or Stopped) to the port's result or a non-retryable failure. */
  static TrainingResult result(DescribeTrainingJobResponse d) {
    String name = d.trainingJobName();
    if (d.trainingJobStatus() != TrainingJobStatus.COMPLETED) {
      throw ApplicationFailure.newNonRetryableFailure("training job " + name + " ended " + d.trainingJobStatusAsString()
          + ": " + S3Errors.explainJobFailure(d.failureReason()), Failures.JOB_FAILED);
    }
    List<MetricData> metrics = d.finalMetricDataList();
    // the API's value is a float: read it as printed (4.27, not 4.269999980926514)
    Double rmse = metrics.stream().filter(m -> RMSE.equals(m.metricName()))
        .map(m -> Double.parseDouble(Float.toString(m.value())))
        .findFirst().orElse(null);
    if (rmse == null) {
      throw ApplicationFailure.newNonRetryableFailure("training job " + name + " completed without " + RMSE
          + " in FinalMetricDataList (found " + metrics.stream().map(MetricData::metricName).toList()
          + "); was a validation channel given?", Failures.JOB_FAILED);
    }
    String artifact = d.modelArtifacts() == null ? null : d.modelArtifacts().s3ModelArtifacts();
    if (artifact == null) {
      throw ApplicationFailure.newNonRetryableFailure("training job " + name + " completed without model artifacts",
          Failures.JOB_FAILED);
    }
    // SageMaker's XGBoost does not report the best iteration; num_round is the upper bound it trained to.
    int rounds = parseInt(d.hyperParameters().get("num_round"));
    long millis = d.trainingTimeInSeconds() != null ? d.trainingTimeInSeconds() * 1000L
        : d.trainingStartTime() != null && d.trainingEndTime() != null
            ? Duration.between(d.trainingStartTime(), d.trainingEndTime()).toMillis() : 0L;
    return new TrainingResult(name, artifact, rmse, rounds, millis);
  }

  private void create(TrainingRequest r) {
    CreateTrainingJobRequest req = CreateTrainingJobRequest.builder()
        .trainingJobName(r.jobName())
        .roleArn(config.sageMakerRoleArn())
        .algorithmSpecification(a -> a.trainingImage(SageMakerImages.xgboost(config.region(), config.xgboostVersion()))
            .trainingInputMode(TrainingInputMode.FILE))
        .hyperParameters(r.hyperparameters())
        .inputDataConfig(channel("train", r.trainUri()), channel("validation", r.validationUri()))
        .outputDataConfig(o -> o.s3OutputPath(config.s3Uri("models/" + r.model() + "/" + r.version())))
        .resourceConfig(rc -> rc.instanceType(config.trainingInstanceType()).instanceCount(1).volumeSizeInGB(10))
        .stoppingCondition(s -> s.maxRuntimeInSeconds(3600))
        .tags(Tag.builder().key("safedeploy:model").value(r.model()).build(),
            Tag.builder().key("safedeploy:version").value(r.version()).build(),
            Tag.builder().key("safedeploy:requested-by").value(SageMakerErrors.tagValue(r.requestedBy())).build())
        .build();
    try {
      sageMaker.createTrainingJob(req);
      log.info("created training job {}", r.jobName());
    } catch (SageMakerException e) {
      if (!SageMakerErrors.isAlreadyExists(e)) {
        throw e;
      }
      log.info("training job {} was created concurrently; adopting it", r.jobName());
    }
  }

  /** SageMaker reads S3 only: a local path here is a configuration mistake retrying cannot fix. */
  static void requireS3(String what, String uri) {
    if (uri == null || !uri.startsWith("s3://")) {
      throw ApplicationFailure.newNonRetryableFailure("the AWS backend trains from S3; data." + what
          + " is '" + uri + "'", Failures.BAD_DATA);
    }
  }

  private static Channel channel(String name, String uri) {
    return Channel.builder().channelName(name).contentType("text/csv")
        .dataSource(ds -> ds.s3DataSource(s -> s.s3DataType("S3Prefix").s3Uri(uri)
            .s3DataDistributionType("FullyReplicated")))
        .build();
  }

  private Optional<DescribeTrainingJobResponse> describe(String name) {
    try {
      return Optional.of(sageMaker.describeTrainingJob(b -> b.trainingJobName(name)));
    } catch (SageMakerException e) {
      if (SageMakerErrors.isNotFound(e)) {
        return Optional.empty();
      }
      throw e;
    }
  }

  private static int parseInt(String s) {
    try {
      return s == null ? 0 : Integer.parseInt(s.trim());
    } catch (NumberFormatException e) {
      return 0;
    }
  }
}
