package dev.safedeploy.workflows.activities;

import dev.safedeploy.workflows.pipeline.DataLocations;
import dev.safedeploy.workflows.pipeline.DeploymentPolicy;
import io.temporal.activity.ActivityInterface;
import java.util.Map;

/**
 * RETRAIN: what a retrain needs from the backend to start the next version of a model through the pipeline.
 * {@code assembleData} writes under a location derived from model and version only, so a retried call adopts what
 * the first attempt wrote.
 */
@ActivityInterface
public interface RetrainActivities {

  /**
   * What the live (production) version was trained from.
   *
   * @param data the data locations of the live version's run
   * @param hyperparameters its hyperparameters (the next version trains with the same)
   * @param policy its deployment policy (the next version deploys with the same); null means the defaults
   */
  record LiveModel(
      String model, String version, DataLocations data, Map<String, String> hyperparameters,
      DeploymentPolicy policy) {}

  /**
   * @param version the version the data is for (names the output location)
   * @param live what the live version was trained from: the data dir or S3 prefix to refresh from
   * @param useCapturedData whether captured production requests joined with ground truth may be added
   */
  record DataRequest(String model, String version, LiveModel live, boolean useCapturedData) {}

  /**
   * @param data where the assembled train, validation, test and baseline files are
   * @param capturedRows production rows added (0 when none were captured, none had ground truth, or not allowed)
   * @param description what went in, in words, for the run's details
   */
  record TrainingData(DataLocations data, long capturedRows, String description) {}

  /** Throws a non-retryable {@link Failures#NOT_FOUND} when nothing of the model serves production. */
  LiveModel liveModel(String model);

  /**
   * The next version label: {@code VersionNames.next} after the highest version the model has had, skipping labels
   * that already had a run (a run id {@code deploy-<model>-<version>} is never reused).
   */
  String nextVersion(String model);

  /** Fresh training data for {@code request.version()}; {@link Failures#BAD_DATA} when there is nothing to train on. */
  TrainingData assembleData(DataRequest request);
}
