package dev.safedeploy.platform.control;

import dev.safedeploy.platform.api.JobStatus;
import dev.safedeploy.platform.api.ProcessingJob;
import dev.safedeploy.platform.api.TrainingJob;
import dev.safedeploy.platform.baseline.BaselineAnalyzer;
import dev.safedeploy.platform.data.BadDataException;
import dev.safedeploy.platform.training.TrainedModel;
import dev.safedeploy.platform.training.XgbTrainer;
import dev.safedeploy.workflows.pipeline.Hyperparameters;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Training and processing (baseline) jobs: created InProgress, run on the job threads, saved when they end. A job that
 * was InProgress when the platform stopped runs again under the same name on the next start.
 */
final class Jobs implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Jobs.class);
  static final String TRAINING_JOBS = "training-jobs";
  static final String PROCESSING_JOBS = "processing-jobs";

  private final Path home;
  private final DataRoots roots;
  final ResourceTable<TrainingJob> training;
  final ResourceTable<ProcessingJob> processing;
  private final ExecutorService executor;
  private volatile boolean closed;

  Jobs(PlatformState state, Path home, DataRoots roots, int threads) {
    this.home = home;
    this.roots = roots;
    this.training = new ResourceTable<>(TRAINING_JOBS, "training job", TrainingJob.class, state);
    this.processing = new ResourceTable<>(PROCESSING_JOBS, "processing job", ProcessingJob.class, state);
    this.executor = Executors.newFixedThreadPool(threads, LocalPlatform.daemon("platform-job"));
  }

  void restore() {
    training.restore();
    processing.restore();
    training.values().stream().filter(j -> j.status() == JobStatus.InProgress).forEach(j -> {
      log.info("training job {} was InProgress when the platform stopped: running it again", j.name());
      submitTraining(j);
    });
    processing.values().stream().filter(j -> j.status() == JobStatus.InProgress).forEach(j -> {
      log.info("processing job {} was InProgress when the platform stopped: running it again", j.name());
      submitProcessing(j);
    });
  }

  Outcome<TrainingJob> createTrainingJob(TrainingJob request) {
    StateStore.checkName("training job", request.name());
    roots.confine("trainPath", request.trainPath());
    roots.confine("validationPath", request.validationPath());
    Map<String, String> asked = Hyperparameters.withDefaults(request.hyperparameters());
    Outcome<TrainingJob> o = training.createOrAdopt(request.name(), existing -> SpecCheck.of("training job",
        request.name())
        .same("trainPath", existing.trainPath(), request.trainPath())
        .same("validationPath", existing.validationPath(), request.validationPath())
        // effective values on both sides: state files written before the defaults were stored hold only overrides
        .sameMap("hyperparameters", Hyperparameters.withDefaults(existing.hyperparameters()), asked)
        .orConflict(), () -> {
      Map<String, String> hp = asked;
      return new TrainingJob(request.name(), request.model(), request.version(), request.trainPath(),
          request.validationPath(), hp, JobStatus.InProgress, null, null, null, null, null, Instant.now(), null);
    });
    if (o.created()) {
      submitTraining(o.resource());
    }
    return o;
  }

  private void submitTraining(TrainingJob job) {
    executor.execute(() -> runTraining(job));
  }

  private void runTraining(TrainingJob job) {
    Path out = home.resolve("jobs").resolve(TRAINING_JOBS).resolve(job.name());
    TrainingJob done;
    try {
      deleteRecursively(out);
      TrainedModel m = XgbTrainer.train(Path.of(job.trainPath()), Path.of(job.validationPath()),
          job.hyperparameters(), out, round -> { });
      done = job.completed(m.validationRmse(), m.rounds(), m.trainingMillis(), m.artifact().toString());
      log.info("training job {} completed: validation:rmse {} after {} rounds", job.name(), m.validationRmse(),
          m.rounds());
    } catch (BadDataException e) {
      done = job.withStatus(JobStatus.Failed, "BadData: " + e.getMessage());
    } catch (RuntimeException | IOException e) {
      done = job.withStatus(JobStatus.Failed, "AlgorithmError: " + e.getMessage());
    }
    if (closed) {
      return; // interrupted by close(): stays InProgress on disk and runs again on the next start
    }
    if (done.status() == JobStatus.Failed) {
      log.warn("training job {} failed: {}", job.name(), done.failureReason());
    }
    training.put(done.name(), done);
  }

  Outcome<ProcessingJob> createProcessingJob(ProcessingJob request) {
    StateStore.checkName("processing job", request.name());
    roots.confine("baselinePath", request.baselinePath());
    Outcome<ProcessingJob> o = processing.createOrAdopt(request.name(), existing -> SpecCheck.of("processing job",
        request.name()).same("baselinePath", existing.baselinePath(), request.baselinePath()).orConflict(),
        () -> new ProcessingJob(request.name(), request.model(), request.version(), request.baselinePath(),
            JobStatus.InProgress, null, null, null, Instant.now(), null));
    if (o.created()) {
      submitProcessing(o.resource());
    }
    return o;
  }

  private void submitProcessing(ProcessingJob job) {
    executor.execute(() -> {
      Path out = home.resolve("jobs").resolve(PROCESSING_JOBS).resolve(job.name());
      ProcessingJob done;
      try {
        deleteRecursively(out);
        BaselineAnalyzer.BaselineFiles f = BaselineAnalyzer.analyze(Path.of(job.baselinePath()), out);
        done = job.completed(f.statistics().toString(), f.constraints().toString());
      } catch (BadDataException e) {
        done = job.failed("BadData: " + e.getMessage());
      } catch (RuntimeException | IOException e) {
        done = job.failed("ClientError: " + e.getMessage());
      }
      if (closed) {
        return;
      }
      processing.put(done.name(), done);
    });
  }

  private static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  @Override
  public void close() {
    closed = true;
    executor.shutdownNow();
    try {
      executor.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
