package dev.safedeploy.workflows.activities;

import io.temporal.activity.ActivityInterface;

/** BASELINE: feature statistics and constraints in SageMaker Model Monitor's format. */
@ActivityInterface
public interface BaselineActivities {

  /**
   * @param trainUri the training data (header-less, target first); a backend whose analyzer needs the target beside
   *     the features (SageMaker Model Monitor) builds its input from it when the baseline holds the features only.
   *     Null in runs recorded before it was added.
   */
  record BaselineRequest(String jobName, String model, String version, String baselineUri, String trainUri) {

    public BaselineRequest(String jobName, String model, String version, String baselineUri) {
      this(jobName, model, version, baselineUri, null);
    }
  }

  /** URIs of {@code statistics.json} and {@code constraints.json}. */
  record BaselineResult(String jobName, String statisticsUri, String constraintsUri) {}

  BaselineResult createBaseline(BaselineRequest request);
}
