package dev.safedeploy.workflows.activities;

import io.temporal.activity.ActivityInterface;
import java.util.Map;

/** TRAIN: an XGBoost regression training job, create-or-adopt by job name, waited on with heartbeats. */
@ActivityInterface
public interface TrainingActivities {

  record TrainingRequest(
      String jobName,
      String model,
      String version,
      String trainUri,
      String validationUri,
      Map<String, String> hyperparameters,
      String requestedBy) {}

  /**
   * @param artifactUri where {@code model.tar.gz} (holding {@code xgboost-model}) was written
   * @param validationRmse the final {@code validation:rmse}, read by metric name
   * @param rounds boosting rounds kept (after early stopping)
   */
  record TrainingResult(String jobName, String artifactUri, double validationRmse, int rounds, long trainingMillis) {}

  TrainingResult train(TrainingRequest request);
}
