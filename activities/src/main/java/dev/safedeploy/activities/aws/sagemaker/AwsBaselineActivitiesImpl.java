package dev.safedeploy.activities.aws.sagemaker;

import dev.safedeploy.activities.aws.AwsBackendConfig;
import dev.safedeploy.activities.aws.AwsPolling;
import dev.safedeploy.activities.aws.AwsPolling.Poll;
import dev.safedeploy.activities.aws.s3.S3Errors;
import dev.safedeploy.workflows.activities.BaselineActivities;
import dev.safedeploy.workflows.activities.Failures;
import io.temporal.failure.ApplicationFailure;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sagemaker.SageMakerClient;
import software.amazon.awssdk.services.sagemaker.model.DescribeProcessingJobResponse;
import software.amazon.awssdk.services.sagemaker.model.ProcessingInput;
import software.amazon.awssdk.services.sagemaker.model.ProcessingJobStatus;
import software.amazon.awssdk.services.sagemaker.model.ProcessingOutput;
import software.amazon.awssdk.services.sagemaker.model.SageMakerException;
import software.amazon.awssdk.services.sagemaker.model.Tag;

/**
 * BASELINE on SageMaker: a processing job running the Model Monitor analyzer over the baseline CSV (header, target
 * first, see {@link BaselineInput}), told that the first column is the model's output; it writes statistics.json and
 * constraints.json under a per-run S3 prefix. Create-or-adopt by job name.
 */
public class AwsBaselineActivitiesImpl implements BaselineActivities {

  private static final Logger log = LoggerFactory.getLogger(AwsBaselineActivitiesImpl.class);
  static final String INPUT_PATH = "/opt/ml/processing/input/baseline_dataset_input";
  static final String OUTPUT_PATH = "/opt/ml/processing/output";

  private final SageMakerClient sageMaker;
  private final BaselineInput input;
  private final AwsBackendConfig config;

  public AwsBaselineActivitiesImpl(SageMakerClient sageMaker, S3Client s3, AwsBackendConfig config) {
    this.sageMaker = sageMaker;
    this.input = new BaselineInput(s3);
    this.config = config;
  }

  /** Where this run's baseline goes: one prefix per model version. */
  public String outputUri(String model, String version) {
    return config.s3Uri("baselines/" + model + "/" + version);
  }

  @Override
  public BaselineResult createBaseline(BaselineRequest request) {
    AwsTrainingActivitiesImpl.requireS3("baseline", request.baselineUri());
    String name = request.jobName();
    String output = outputUri(request.model(), request.version());
    if (describe(name).isPresent()) {
      log.info("adopting existing processing job {}", name);
    } else {
      String dataset = input.resolve(request.baselineUri(), request.trainUri(), output + "/input/baseline.csv");
      create(request, dataset, output);
    }
    DescribeProcessingJobResponse done = AwsPolling.until("baseline job " + name, config, () -> {
      DescribeProcessingJobResponse d = describe(name).orElseThrow(() -> ApplicationFailure.newFailure(
          "processing job " + name + " vanished while waiting for it", Failures.NOT_FOUND));
      ProcessingJobStatus s = d.processingJobStatus();
      if (s == ProcessingJobStatus.IN_PROGRESS || s == ProcessingJobStatus.STOPPING) {
        return Poll.waiting(String.valueOf(s));
      }
      return Poll.done(d);
    });
    return result(done);
  }

  static BaselineResult result(DescribeProcessingJobResponse d) {
    if (d.processingJobStatus() != ProcessingJobStatus.COMPLETED) {
      throw ApplicationFailure.newNonRetryableFailure("baseline job " + d.processingJobName() + " ended "
          + d.processingJobStatusAsString() + ": "
          + S3Errors.explainJobFailure(d.failureReason()), Failures.JOB_FAILED);
    }
    String out = d.processingOutputConfig().outputs().stream()
        .filter(o -> "monitoring_output".equals(o.outputName())).findFirst()
        .map(o -> o.s3Output().s3Uri())
        .orElseThrow(() -> ApplicationFailure.newNonRetryableFailure(
            "baseline job " + d.processingJobName() + " has no monitoring_output", Failures.JOB_FAILED));
    String base = out.endsWith("/") ? out : out + "/";
    return new BaselineResult(d.processingJobName(), base + "statistics.json", base + "constraints.json");
  }

  private void create(BaselineRequest r, String dataset, String output) {
    try {
      sageMaker.createProcessingJob(b -> b
          .processingJobName(r.jobName())
          .roleArn(config.sageMakerRoleArn())
          .appSpecification(a -> a.imageUri(SageMakerImages.modelMonitorAnalyzer(config.region())))
          .environment(Map.of(
              "dataset_format", "{\"csv\": {\"header\": true, \"output_columns_position\": \"START\"}}",
              "dataset_source", INPUT_PATH,
              "output_path", OUTPUT_PATH,
              "publish_cloudwatch_metrics", "Disabled"))
          .processingInputs(ProcessingInput.builder().inputName("baseline_dataset_input")
              .s3Input(s -> s.s3Uri(dataset).localPath(INPUT_PATH).s3DataType("S3Prefix")
                  .s3InputMode("File").s3DataDistributionType("FullyReplicated"))
              .build())
          .processingOutputConfig(o -> o.outputs(ProcessingOutput.builder().outputName("monitoring_output")
              .s3Output(s -> s.s3Uri(output).localPath(OUTPUT_PATH).s3UploadMode("EndOfJob")).build()))
          .processingResources(p -> p.clusterConfig(c -> c.instanceCount(1).instanceType("ml.m5.xlarge")
              .volumeSizeInGB(20)))
          .stoppingCondition(s -> s.maxRuntimeInSeconds(3600))
          .tags(Tag.builder().key("safedeploy:model").value(r.model()).build(),
              Tag.builder().key("safedeploy:version").value(r.version()).build()));
      log.info("created baseline job {} over {} writing to {}", r.jobName(), dataset, output);
    } catch (SageMakerException e) {
      if (!SageMakerErrors.isAlreadyExists(e)) {
        throw e;
      }
      log.info("baseline job {} was created concurrently; adopting it", r.jobName());
    }
  }

  private Optional<DescribeProcessingJobResponse> describe(String name) {
    try {
      return Optional.of(sageMaker.describeProcessingJob(b -> b.processingJobName(name)));
    } catch (SageMakerException e) {
      if (SageMakerErrors.isNotFound(e)) {
        return Optional.empty();
      }
      throw e;
    }
  }
}
