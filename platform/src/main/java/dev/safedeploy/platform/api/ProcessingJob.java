package dev.safedeploy.platform.api;

import java.time.Instant;

/** A baseline processing job: statistics.json and constraints.json of a CSV with a header. */
public record ProcessingJob(String name, String model, String version, String baselinePath, JobStatus status,
    String failureReason, String statisticsPath, String constraintsPath, Instant createdAt, Instant endedAt) {

  public ProcessingJob failed(String reason) {
    return new ProcessingJob(name, model, version, baselinePath, JobStatus.Failed, reason, null, null, createdAt,
        Instant.now());
  }

  public ProcessingJob completed(String statistics, String constraints) {
    return new ProcessingJob(name, model, version, baselinePath, JobStatus.Completed, null, statistics, constraints,
        createdAt, Instant.now());
  }
}
