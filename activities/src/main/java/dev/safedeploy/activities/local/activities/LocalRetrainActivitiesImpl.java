package dev.safedeploy.activities.local.activities;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.safedeploy.platform.api.Endpoint;
import dev.safedeploy.platform.api.ModelRecord;
import dev.safedeploy.platform.api.TrainingJob;
import dev.safedeploy.platform.api.Variant;
import dev.safedeploy.platform.client.PlatformClient;
import dev.safedeploy.platform.client.PlatformClientException;
import dev.safedeploy.platform.serving.CapturedRequests;
import dev.safedeploy.platform.serving.GroundTruth;
import dev.safedeploy.workflows.activities.Failures;
import dev.safedeploy.workflows.activities.RetrainActivities;
import dev.safedeploy.workflows.client.PipelineRuns;
import dev.safedeploy.workflows.json.JsonMapping;
import dev.safedeploy.workflows.pipeline.DataLocations;
import dev.safedeploy.workflows.pipeline.PipelineRequest;
import dev.safedeploy.workflows.pipeline.ResourceNames;
import dev.safedeploy.workflows.retrain.VersionNames;
import io.temporal.activity.Activity;
import io.temporal.client.WorkflowClient;
import io.temporal.failure.ApplicationFailure;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * RETRAIN on the local platform. The live version is the production endpoint's variant with the most weight; what it
 * was trained from comes from its pipeline run's request (through the worker's Temporal client), else from the
 * platform's training job of it. The next version counts on from the highest version the model has had a training job
 * for. Fresh data goes to {@code <home>/retrain-data/<model>-<version>/}: the live version's train, validation, test
 * and baseline files, plus (when the policy allows) every captured production request of the model's endpoint that
 * has ground truth and was not already in the live version's data, joined on its InferenceId, added to train and
 * baseline. Validation and test stay the live version's: the quality gate then compares both versions' RMSE on the
 * same rows.
 */
public class LocalRetrainActivitiesImpl implements RetrainActivities {
  static final String TARGET = "total_amount";
  static final String MANIFEST = "manifest.json";
  /** The join ids of captured requests already in a data set, so a later retrain from it does not add them twice. */
  static final String CAPTURED_IDS = "captured-ids.txt";
  private static final ObjectMapper JSON = JsonMapping.mapper();

  private final PlatformClient platform;
  private final Path home;

  /** @param home the platform's home: capture/, ground-truth/ and (written here) retrain-data/ */
  public LocalRetrainActivitiesImpl(PlatformClient platform, Path home) {
    this.platform = platform;
    this.home = home;
  }

  /** What {@code manifest.json} holds: the answer a retried assembly returns without writing again. */
  record Manifest(String model, String version, DataLocations data, long capturedRows, String description) {}

  @Override
  public LiveModel liveModel(String model) {
    checkModel(model);
    String endpointName = new ResourceNames(model, "live").prodEndpoint();
    try {
      Endpoint e = platform.endpoint(endpointName);
      Variant live = e == null ? null : e.variants().stream()
          .filter(v -> "InService".equals(v.status()) && v.weight() > 0)
          .max(Comparator.comparingInt(Variant::weight)).orElse(null);
      if (live == null) {
        throw ApplicationFailure.newNonRetryableFailure("nothing of " + model + " serves production ("
            + endpointName + (e == null ? " does not exist)" : " has no variant in service with traffic)"),
            Failures.NOT_FOUND);
      }
      ModelRecord m = modelOrNull(live.modelName());
      String version = m != null && m.version() != null ? m.version() : live.name();
      PipelineRequest run = startedWith(model, version);
      if (run != null && run.data() != null) {
        return new LiveModel(model, version, run.data(), run.hyperparameters(), run.policy());
      }
      return fromTrainingJob(model, version);
    } catch (PlatformClientException e) {
      throw Adapters.failure(e, Failures.NOT_FOUND);
    }
  }

  /** Without the run's request: the training job's files and hyperparameters; test and baseline sit beside train. */
  /** The live version's run request, through the client of the worker running this activity; null if unknown. */
  private static PipelineRequest startedWith(String model, String version) {
    WorkflowClient client;
    try {
      client = Activity.getExecutionContext().getWorkflowClient();
    } catch (RuntimeException e) {
      return null; // not in an activity with a client (a unit test's activity environment)
    }
    return PipelineRuns.request(client, PipelineRequest.workflowId(model, version)).orElse(null);
  }

  private LiveModel fromTrainingJob(String model, String version) {
    String jobName = new ResourceNames(model, version).trainingJob();
    TrainingJob job;
    try {
      job = platform.trainingJob(jobName);
    } catch (PlatformClientException e) {
      if (e.notFound()) {
        throw ApplicationFailure.newNonRetryableFailure("cannot tell what " + model + " " + version
            + " was trained from: neither its run nor training job " + jobName + " is known", Failures.NOT_FOUND);
      }
      throw e;
    }
    Path train = Path.of(job.trainPath());
    Path dir = train.getParent();
    Path test = dir.resolve("test.csv");
    Path baseline = dir.resolve("baseline.csv");
    if (!Files.isRegularFile(test) || !Files.isRegularFile(baseline)) {
      throw ApplicationFailure.newNonRetryableFailure("cannot tell what " + model + " " + version
          + " was trained from: its run is unknown and " + dir + " has no test.csv and baseline.csv",
          Failures.NOT_FOUND);
    }
    return new LiveModel(model, version, new DataLocations(train.toUri().toString(),
        Path.of(job.validationPath()).toUri().toString(), test.toUri().toString(), baseline.toUri().toString()),
        job.hyperparameters(), null);
  }

  @Override
  public String nextVersion(String model) {
    checkModel(model);
    try {
      Set<String> known = new LinkedHashSet<>();
      for (TrainingJob j : platform.trainingJobs(model)) {
        if (j.version() != null) {
          known.add(j.version());
        }
      }
      String live = liveVersionOrNull(model);
      if (live == null && known.isEmpty()) {
        throw ApplicationFailure.newNonRetryableFailure(model + " has no version to count on: nothing was "
            + "trained or deployed yet; start its first version by hand", Failures.NOT_FOUND);
      }
      return VersionNames.after(live, known);
    } catch (IllegalArgumentException e) {
      throw ApplicationFailure.newNonRetryableFailure(e.getMessage(), Failures.BAD_DATA);
    } catch (PlatformClientException e) {
      throw Adapters.failure(e, Failures.NOT_FOUND);
    }
  }

  private String liveVersionOrNull(String model) {
    Endpoint e = platform.endpoint(new ResourceNames(model, "live").prodEndpoint());
    if (e == null) {
      return null;
    }
    return e.variants().stream().filter(v -> "InService".equals(v.status()) && v.weight() > 0)
        .max(Comparator.comparingInt(Variant::weight)).map(v -> {
          ModelRecord m = modelOrNull(v.modelName());
          return m != null && m.version() != null ? m.version() : v.name();
        }).orElse(null);
  }

  @Override
  public TrainingData assembleData(DataRequest r) {
    checkModel(r.model());
    if (!PipelineRequest.isValidVersion(r.version())) {
      throw ApplicationFailure.newNonRetryableFailure("'" + r.version() + "' is not a version label",
          Failures.BAD_DATA);
    }
    if (r.live() == null || r.live().data() == null) {
      throw ApplicationFailure.newNonRetryableFailure("assembleData needs the live version's data",
          Failures.BAD_DATA);
    }
    Path out = home.resolve("retrain-data").resolve(r.model() + "-" + r.version());
    Manifest done = readManifest(out);
    if (done != null) {
      return new TrainingData(done.data(), done.capturedRows(), done.description());
    }
    DataLocations from = r.live().data();
    Path train = existing(from.train(), "live data train");
    Path validation = existing(from.validation(), "live data validation");
    Path test = existing(from.test(), "live data test");
    Path baseline = existing(from.baseline(), "live data baseline");
    Path tmp = out.resolveSibling(out.getFileName() + ".tmp-" + UUID.randomUUID().toString().substring(0, 8));
    try {
      Files.createDirectories(tmp);
      String header = firstLine(baseline);
      boolean baselineHasTarget = header.split(",", -1)[0].trim().equals(TARGET);
      int features = firstLine(train).split(",", -1).length - 1;
      if (features < 1) {
        throw ApplicationFailure.newNonRetryableFailure(train + " has no feature columns", Failures.BAD_DATA);
      }
      Set<String> previouslyCaptured = readIds(Path.of(train.getParent().toString(), CAPTURED_IDS));
      Captured captured = r.useCapturedData()
          ? captured(new ResourceNames(r.model(), r.version()).prodEndpoint(), features, previouslyCaptured)
          : Captured.NONE;
      Adapters.heartbeat("copying " + from.train());
      // captured rows train; validation and test stay the live version's, so that the quality gate compares the
      // new version's RMSE with the live one's on the same rows
      long trainRows = copyPlus(train, tmp.resolve("train.csv"), captured.rows(), false);
      copyPlus(validation, tmp.resolve("validation.csv"), List.of(), false);
      copyPlus(test, tmp.resolve("test.csv"), List.of(), false);
      copyPlus(baseline, tmp.resolve("baseline.csv"), captured.rows(), !baselineHasTarget);
      Set<String> ids = new LinkedHashSet<>(previouslyCaptured);
      ids.addAll(captured.ids());
      Files.write(tmp.resolve(CAPTURED_IDS), ids, StandardCharsets.UTF_8);
      String description = r.live().model() + " " + r.live().version() + "'s data (" + trainRows + " train rows)"
          + describe(r.useCapturedData(), captured);
      DataLocations data = new DataLocations(uri(out, "train.csv"), uri(out, "validation.csv"),
          uri(out, "test.csv"), uri(out, "baseline.csv"));
      Manifest m = new Manifest(r.model(), r.version(), data, captured.count(), description);
      JSON.writerWithDefaultPrettyPrinter().writeValue(tmp.resolve(MANIFEST).toFile(), m);
      try {
        Files.move(tmp, out, StandardCopyOption.ATOMIC_MOVE);
      } catch (FileAlreadyExistsException | DirectoryNotEmptyException raced) {
        // another attempt of this activity published first: its data is the answer
        deleteTree(tmp);
        Manifest other = readManifest(out);
        if (other == null) {
          throw new IllegalStateException(out + " exists without " + MANIFEST + "; remove it to retry");
        }
        return new TrainingData(other.data(), other.capturedRows(), other.description());
      }
      return new TrainingData(data, m.capturedRows(), description);
    } catch (IOException e) {
      deleteTree(tmp);
      throw new UncheckedIOException("cannot assemble training data under " + out + ": " + e.getMessage(), e);
    } catch (RuntimeException e) {
      deleteTree(tmp);
      throw e;
    }
  }

  private static String describe(boolean allowed, Captured c) {
    if (!allowed) {
      return "; captured production data not used (the retrain policy does not allow it)";
    }
    return " + " + c.count() + " captured production rows with ground truth (" + c.labelled() + " of "
        + c.requests() + " captured requests labelled" + (c.skipped() > 0 ? ", " + c.skipped() + " rows unusable" : "")
        + (c.already() > 0 ? ", " + c.already() + " already in the live version's data" : "") + ")";
  }

  /** Captured rows joined with ground truth, as target-first CSV lines in capture order. */
  record Captured(List<String> rows, List<String> ids, long requests, long labelled, long skipped, long already) {
    static final Captured NONE = new Captured(List.of(), List.of(), 0, 0, 0, 0);

    long count() {
      return rows.size();
    }
  }

  private Captured captured(String endpoint, int features, Set<String> previously) {
    List<CapturedRequests.Request> requests = CapturedRequests.read(home.resolve("capture"), endpoint);
    Map<String, String> labels = GroundTruth.read(home.resolve("ground-truth"), endpoint);
    List<String> out = new ArrayList<>();
    List<String> ids = new ArrayList<>();
    Set<String> seen = new java.util.HashSet<>();
    long labelled = 0;
    long skipped = 0;
    long already = 0;
    for (CapturedRequests.Request q : requests) {
      String id = q.joinId();
      String label = id == null ? null : labels.get(id);
      if (label == null || !seen.add(id)) {
        continue;
      }
      labelled++;
      if (previously.contains(id)) {
        already++;
        continue;
      }
      String[] rows = q.input().split("\r?\n");
      String[] targets = label.split("\r?\n");
      if (rows.length != targets.length) {
        skipped += rows.length;
        continue;
      }
      boolean used = false;
      for (int i = 0; i < rows.length; i++) {
        String line = row(targets[i], rows[i], features);
        if (line == null) {
          skipped++;
          continue;
        }
        out.add(line);
        used = true;
      }
      if (used) {
        ids.add(id);
      }
    }
    return new Captured(out, ids, requests.size(), labelled, skipped, already);
  }

  /** {@code target,f1,...,fn}, or null when the row is not numeric, has the wrong width, or fails the target filter. */
  static String row(String target, String input, int features) {
    String[] cells = input.split(",", -1);
    if (cells.length != features) {
      return null;
    }
    try {
      double t = Double.parseDouble(target.trim());
      // the seed's target filter; the features are what production saw, drifted or not
      if (!(t > 0 && t < 200)) {
        return null;
      }
      StringBuilder b = new StringBuilder(target.trim());
      for (String c : cells) {
        double v = Double.parseDouble(c.trim());
        if (!Double.isFinite(v)) {
          return null;
        }
        b.append(',').append(c.trim());
      }
      return b.toString();
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /** Copies {@code from} and appends {@code extra} (dropping the target column when {@code featuresOnly}). */
  private static long copyPlus(Path from, Path to, List<String> extra, boolean featuresOnly) throws IOException {
    long lines = 0;
    try (BufferedWriter w = Files.newBufferedWriter(to, StandardCharsets.UTF_8);
        Stream<String> in = Files.lines(from, StandardCharsets.UTF_8)) {
      for (String line : (Iterable<String>) in::iterator) {
        if (line.isBlank()) {
          continue;
        }
        w.write(line);
        w.newLine();
        lines++;
      }
      for (String line : extra) {
        w.write(featuresOnly ? line.substring(line.indexOf(',') + 1) : line);
        w.newLine();
        lines++;
      }
    }
    return lines;
  }

  private static Path existing(String uri, String what) {
    Path p = Adapters.path(uri, what);
    if (!Files.isRegularFile(p)) {
      throw ApplicationFailure.newNonRetryableFailure(what + " " + p + " does not exist; nothing to retrain on",
          Failures.BAD_DATA);
    }
    return p;
  }

  private static String firstLine(Path p) throws IOException {
    try (Stream<String> lines = Files.lines(p, StandardCharsets.UTF_8)) {
      return lines.filter(l -> !l.isBlank()).findFirst().orElseThrow(() ->
          ApplicationFailure.newNonRetryableFailure(p + " is empty; nothing to retrain on", Failures.BAD_DATA));
    }
  }

  private static Set<String> readIds(Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      return Set.of();
    }
    Set<String> ids = new java.util.HashSet<>();
    for (String l : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      if (!l.isBlank()) {
        ids.add(l.trim());
      }
    }
    return ids;
  }

  private static Manifest readManifest(Path dir) {
    Path f = dir.resolve(MANIFEST);
    if (!Files.isRegularFile(f)) {
      return null;
    }
    try {
      return JSON.readValue(f.toFile(), Manifest.class);
    } catch (IOException e) {
      throw ApplicationFailure.newNonRetryableFailure(f + " is unreadable (" + e.getMessage() + "); remove "
          + dir + " to assemble it again", Failures.INFRASTRUCTURE_FAILED);
    }
  }

  private static String uri(Path dir, String file) {
    return dir.resolve(file).toUri().toString();
  }

  private ModelRecord modelOrNull(String name) {
    try {
      return platform.model(name);
    } catch (PlatformClientException e) {
      if (e.notFound()) {
        return null;
      }
      throw e;
    }
  }

  private static void checkModel(String model) {
    if (!PipelineRequest.isValidModelName(model)) {
      throw ApplicationFailure.newNonRetryableFailure("'" + model + "' is not a model name", Failures.BAD_DATA);
    }
  }

  private static void deleteTree(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // a leftover temporary directory is harmless: its name is never published
    }
  }
}
