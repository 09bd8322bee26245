package dev.safedeploy.workflows.activities;

import io.temporal.activity.ActivityInterface;

/** BASELINE: feature statistics and constraints in SageMaker Model Monitor's format. */
@ActivityInterface
public interface BaselineActivities {

  record BaselineRequest(String jobName, String model, String version, String baselineUri) {}

  /** URIs of {@code statistics.json} and {@code constraints.json}. */
  record BaselineResult(String jobName, String statisticsUri, String constraintsUri) {}

  BaselineResult createBaseline(BaselineRequest request);
}
