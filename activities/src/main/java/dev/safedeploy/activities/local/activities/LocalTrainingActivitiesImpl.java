package dev.safedeploy.activities.local.activities;

import dev.safedeploy.platform.api.TrainingJob;
import dev.safedeploy.platform.client.PlatformClient;
import dev.safedeploy.platform.client.PlatformClientException;
import dev.safedeploy.workflows.activities.Failures;
import dev.safedeploy.workflows.activities.TrainingActivities;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** TRAIN on the local platform: create-or-adopt the training job by name, wait with heartbeats. */
public class LocalTrainingActivitiesImpl implements TrainingActivities {
  private static final Logger log = LoggerFactory.getLogger(LocalTrainingActivitiesImpl.class);
  private final PlatformClient platform;

  public LocalTrainingActivitiesImpl(PlatformClient platform) {
    this.platform = platform;
  }

  @Override
  public TrainingResult train(TrainingRequest r) {
    TrainingJob request = new TrainingJob(r.jobName(), r.model(), r.version(),
        Adapters.path(r.trainUri(), "trainUri").toString(),
        Adapters.path(r.validationUri(), "validationUri").toString(), r.hyperparameters(), null, null, null, null,
        null, null, null, null);
    try {
      PlatformClient.Created<TrainingJob> c = platform.createTrainingJob(request);
      log.info("training job {} {}", r.jobName(), c.created() ? "created" : "adopted");
      long wait = 100;
      while (true) {
        TrainingJob job = platform.trainingJob(r.jobName());
        Adapters.heartbeat(job.status().name());
        switch (job.status()) {
          case Completed -> {
            return new TrainingResult(job.name(), Adapters.uri(job.artifact()), job.validationRmse(), job.rounds(),
                job.trainingMillis());
          }
          case Failed -> throw Adapters.jobFailed("training", job.name(), job.failureReason());
          default -> Adapters.sleep(wait);
        }
        wait = Math.min(1000, wait * 2);
      }
    } catch (PlatformClientException e) {
      throw Adapters.failure(e, Failures.NOT_FOUND);
    }
  }
}
