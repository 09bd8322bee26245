package dev.safedeploy.platform.api;

import java.time.Instant;
import java.util.Map;

/**
 * A training job: XGBoost4J on header-less target-first CSVs, run at most once per name.
 *
 * @param artifact path of model.tar.gz once Completed
 */
public record TrainingJob(String name, String model, String version, String trainPath, String validationPath,
    Map<String, String> hyperparameters, JobStatus status, String failureReason, Double validationRmse,
    Integer rounds, Long trainingMillis, String artifact, Instant createdAt, Instant endedAt) {

  public TrainingJob withStatus(JobStatus s, String reason) {
    return new TrainingJob(name, model, version, trainPath, validationPath, hyperparameters, s, reason,
        validationRmse, rounds, trainingMillis, artifact, createdAt, Instant.now());
  }

  public TrainingJob completed(double rmse, int rounds, long millis, String artifact) {
    return new TrainingJob(name, model, version, trainPath, validationPath, hyperparameters, JobStatus.Completed,
        null, rmse, rounds, millis, artifact, createdAt, Instant.now());
  }
}
