package dev.safedeploy.bench;

import dev.safedeploy.platform.data.DataPreparation;
import dev.safedeploy.platform.data.PreparedData;
import dev.safedeploy.platform.data.TripGenerator;
import dev.safedeploy.worker.ScratchDirectory;
import dev.safedeploy.workflows.pipeline.Outcome;
import dev.safedeploy.workflows.pipeline.PipelineRequest;
import dev.safedeploy.workflows.pipeline.PipelineResult;
import dev.safedeploy.workflows.pipeline.Stage;
import dev.safedeploy.workflows.pipeline.StageRecord;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * The whole local pipeline on a large synthetic data set: generate, prepare, then one run through build, train,
 * quality gate, baseline, dev deploy, approval (answered at once), prod deploy and monitor, with zero-length bakes.
 * Per-stage times come from the run's own stage records (the status query's clock).
 */
public final class PipelineBench {

  static final String MODEL = "pbench";
  private static final Duration RUN_LIMIT = Duration.ofMinutes(20);

  public record Options(Path home, long trips) {}

  private final Options options;
  private final PrintStream progress;

  public PipelineBench(Options options, PrintStream progress) {
    if (options.trips() < 1000 || options.trips() > 20_000_000) {
      throw new IllegalArgumentException("--trips must be in [1000, 20000000], got " + options.trips());
    }
    this.options = options;
    this.progress = progress;
  }

  public BenchReport run() throws Exception {
    Path home = options.home().toAbsolutePath();
    ScratchDirectory.wipe(home);
    Path raw = home.resolve("data/raw/green_tripdata.csv");
    Files.createDirectories(raw.getParent());
    progress.println("bench pipeline: generating " + options.trips() + " trips");
    long t0 = System.nanoTime();
    TripGenerator.generate(options.trips(), DataPreparation.DEFAULT_SEED, raw);
    long t1 = System.nanoTime();
    PreparedData data = DataPreparation.prepare(raw, home.resolve("data/prepared"),
        DataPreparation.DEFAULT_FEATURES, DataPreparation.DEFAULT_SEED);
    long t2 = System.nanoTime();
    progress.printf("bench pipeline: %d trips kept, %d train rows; running the pipeline%n", data.rowsKept(),
        data.trainRows());
    try (LocalStack stack = LocalStack.start(home.resolve("stack"), true, Duration.ofSeconds(60))) {
      PipelineRequest request = BenchRequests.instant(MODEL, "v1", BenchRequests.zeroBakes());
      request = new PipelineRequest(MODEL, "v1", BenchData.locations(data), Map.of(), BenchRequests.REQUESTER,
          request.policy()).validated();
      long started = System.nanoTime();
      PipelineResult result = EmbeddedPipeline.runApproved(stack.client(), request, RUN_LIMIT);
      long wall = System.nanoTime() - started;
      if (result.outcome() != Outcome.PROMOTED) {
        throw new IllegalStateException("the pipeline ended " + result.outcome() + ": " + result.reason());
      }
      BenchReport report = new BenchReport("pipeline")
          .put("trips", options.trips())
          .put("tripsKept", data.rowsKept())
          .put("trainRows", data.trainRows())
          .put("generateMillis", (t1 - t0) / 1e6)
          .put("prepareMillis", (t2 - t1) / 1e6);
      long stagesMillis = 0;
      long approvalMillis = 0;
      for (StageRecord s : result.stages()) {
        if (s.stage() == Stage.DONE || s.endedAt() == null) {
          continue;
        }
        long ms = Duration.between(s.startedAt(), s.endedAt()).toMillis();
        report.put("stage." + s.stage() + ".millis", ms);
        if (s.stage() == Stage.AWAIT_APPROVAL) {
          approvalMillis += ms;
        } else {
          stagesMillis += ms;
        }
      }
      report.put("pipelineMillisExcludingApproval", stagesMillis)
          .put("goalMillis", 60_000)
          .put("validationRmse", result.validationRmse())
          .put("runWallMillis", wall / 1e6)
          .note("bakes are zero-length and the approval is answered through the decide update as soon as asked ("
              + approvalMillis + " ms, excluded); a first deployment, so prod is a single 100% step")
          .note("generate + prepare are outside the workflow (the pipeline's input is the prepared data)");
      return report;
    }
  }
}
