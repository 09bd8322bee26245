package dev.safedeploy.activities.local.activities;

import dev.safedeploy.platform.api.ProcessingJob;
import dev.safedeploy.platform.client.PlatformClient;
import dev.safedeploy.platform.client.PlatformClientException;
import dev.safedeploy.workflows.activities.BaselineActivities;
import dev.safedeploy.workflows.activities.Failures;

/** BASELINE on the local platform: a processing job writing statistics.json and constraints.json. */
public class LocalBaselineActivitiesImpl implements BaselineActivities {
  private final PlatformClient platform;

  public LocalBaselineActivitiesImpl(PlatformClient platform) {
    this.platform = platform;
  }

  @Override
  public BaselineResult createBaseline(BaselineRequest r) {
    ProcessingJob request = new ProcessingJob(r.jobName(), r.model(), r.version(),
        Adapters.path(r.baselineUri(), "baselineUri").toString(), null, null, null, null, null, null);
    try {
      platform.createProcessingJob(request);
      long wait = 50;
      while (true) {
        ProcessingJob job = platform.processingJob(r.jobName());
        Adapters.heartbeat(job.status().name());
        switch (job.status()) {
          case Completed -> {
            return new BaselineResult(job.name(), Adapters.uri(job.statisticsPath()),
                Adapters.uri(job.constraintsPath()));
          }
          case Failed -> throw Adapters.jobFailed("processing", job.name(), job.failureReason());
          default -> Adapters.sleep(wait);
        }
        wait = Math.min(1000, wait * 2);
      }
    } catch (PlatformClientException e) {
      throw Adapters.failure(e, Failures.NOT_FOUND);
    }
  }
}
