package dev.safedeploy.worker.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.safedeploy.platform.data.DataPreparation;
import dev.safedeploy.platform.data.PreparedData;
import dev.safedeploy.platform.data.TripGenerator;
import dev.safedeploy.worker.ScratchDirectory;
import dev.safedeploy.worker.dev.DevEnvironment;
import dev.safedeploy.worker.temporal.TemporalServer;
import dev.safedeploy.worker.temporal.TemporalServers;
import dev.safedeploy.platform.client.PlatformClient;
import dev.safedeploy.workflows.client.PipelineRuns;
import dev.safedeploy.workflows.json.JsonMapping;
import dev.safedeploy.workflows.pipeline.ApprovalDecision;
import dev.safedeploy.workflows.pipeline.DataLocations;
import dev.safedeploy.workflows.pipeline.DeploymentPolicy;
import dev.safedeploy.workflows.pipeline.DurationText;
import dev.safedeploy.workflows.pipeline.Outcome;
import dev.safedeploy.workflows.pipeline.PipelineRequest;
import dev.safedeploy.workflows.pipeline.PipelineResult;
import dev.safedeploy.workflows.pipeline.PipelineStatus;
import dev.safedeploy.workflows.pipeline.SafeDeploymentWorkflow;
import dev.safedeploy.workflows.pipeline.SearchAttributes;
import dev.safedeploy.workflows.pipeline.Stage;
import dev.safedeploy.workflows.pipeline.Strategy;
import dev.safedeploy.workflows.retrain.RetrainJournalEntry;
import dev.safedeploy.workflows.retrain.RetrainPolicy;
import dev.safedeploy.workflows.retrain.RetrainStarter;
import dev.safedeploy.workflows.retrain.RetrainStatus;
import dev.safedeploy.workflows.retrain.RetrainTrigger;
import dev.safedeploy.workflows.retrain.RetrainWorkflow;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowStub;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * The README's first command: two versions of model {@code nyctaxi} through the whole pipeline on the local backend,
 * for real. v1 is a good model and goes live (first deployment). v2 is genuinely broken — trained with an extra
 * feature (pickup_hour) that live clients do not send — so its real invocations fail on live traffic during the
 * canary, the 5xx alarm fires from real metrics, and production rolls back to v1. Then the world changes: trips get
 * twice as long (drifted traffic, with the real fares reported as ground truth), v1's drift monitoring measures it,
 * the drift alarm fires, the model's retrain workflow starts v3 on v1's data plus the captured, labelled trips, and
 * v3 goes through the same pipeline (approval, canary) into production.
 */
public final class Demo {

  public static final String MODEL = "nyctaxi";
  public static final String REQUESTER = "demo-requester";
  public static final String APPROVER = "demo-approver";
  private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss.SSS");

  /**
   * @param trips synthetic trips to generate
   * @param temporal which Temporal server (auto: the CLI's dev server when found, else the embedded one)
   * @param temporalPort server port (0 = a free one, so the demo never collides with `safedeploy dev`)
   * @param uiPort the dev server's Web UI (a free one when taken)
   * @param linger keep the server and Web UI up after the runs, until the process is stopped
   */
  public record Options(Path home, long trips, boolean json, TemporalServers.Mode temporal, int temporalPort,
      int uiPort, Duration canaryBake, Duration finalBake, int trafficPerSecond, boolean linger, boolean retrain) {

    /** With the retrain loop. */
    public Options(Path home, long trips, boolean json, TemporalServers.Mode temporal, int temporalPort, int uiPort,
        Duration canaryBake, Duration finalBake, int trafficPerSecond, boolean linger) {
      this(home, trips, json, temporal, temporalPort, uiPort, canaryBake, finalBake, trafficPerSecond, linger, true);
    }
  }

  /** How often drift monitoring runs in the demo (Model Monitor's hourly would outlast it). */
  static final Duration MONITORING_INTERVAL = Duration.ofSeconds(5);
  /** How much longer the drifted trips are. */
  static final double DRIFT_DISTANCE_FACTOR = 2.0;
  static final Duration RETRAIN_COOL_DOWN = Duration.ofMinutes(10);
  static final Duration RETRAIN_START_TIMEOUT = Duration.ofMinutes(3);

  /**
   * The drift-to-production loop, with its timings.
   *
   * @param driftAlarm the drift alarm that fired (null when none did)
   * @param driftValue its datapoint, from the alarm's reason
   * @param trafficToAlarmMillis from the first drifted request to the alarm's transition to ALARM
   * @param alarmToRunMillis from the alarm's transition to the retrain run's start
   * @param trainingData what the retrain trained on, in words
   * @param labelled drifted requests whose ground truth was reported
   */
  public record RetrainLoop(String driftAlarm, Double driftValue, String retrainRun, String version,
      String trainingData, Outcome outcome, String reason, Long trafficToAlarmMillis, Long alarmToRunMillis,
      Long runMillis, long loopMillis, long labelled, Map<String, Long> traffic) {}

  /** One run's line in the final JSON. */
  public record RunSummary(String model, String version, Outcome outcome, String reason, Double validationRmse,
      Long alarmToBlueMillis, long wallMillis) {}

  /** @param temporalServer what the runs ran on; @param webUi its Web UI's list of the demo's runs, or null */
  /** @param retrain the retrain loop (null when the demo ran without it) */
  public record Report(List<RunSummary> runs, String liveVersion, Map<String, Long> traffic, long totalMillis,
      String temporalServer, String webUi, RetrainLoop retrain) {
    public boolean asExpected() {
      boolean firstTwo = runs.size() >= 2 && runs.get(0).outcome() == Outcome.PROMOTED
          && runs.get(1).outcome() == Outcome.ROLLED_BACK;
      if (retrain == null) {
        return firstTwo && runs.size() == 2 && "v1".equals(liveVersion);
      }
      return firstTwo && runs.size() == 3 && runs.get(2).outcome() == Outcome.PROMOTED
          && retrain.outcome() == Outcome.PROMOTED && retrain.version().equals(liveVersion);
    }
  }

  private final Options options;
  private final PrintStream out;

  public Demo(Options options, PrintStream out) {
    this.options = options;
    this.out = out;
  }

  public Report run() throws IOException {
    long started = System.nanoTime();
    Path home = options.home().toAbsolutePath();
    ScratchDirectory.wipe(home);
    Files.createDirectories(home);

    say("generating " + options.trips() + " synthetic NYC green-taxi trips (TLC schema)");
    Path raw = home.resolve("data/raw/green_tripdata.csv");
    Files.createDirectories(raw.getParent());
    TripGenerator.generate(options.trips(), 42, raw);
    PreparedData v1Data = DataPreparation.prepare(raw, home.resolve("data/v1"), DataPreparation.DEFAULT_FEATURES,
        DataPreparation.DEFAULT_SEED);
    say(String.format("v1 data: %d trips kept of %d, split %d/%d/%d, features %s", v1Data.rowsKept(),
        v1Data.rowsRead(), v1Data.trainRows(), v1Data.validationRows(), v1Data.testRows(), v1Data.features()));
    List<String> skewed = new ArrayList<>(DataPreparation.DEFAULT_FEATURES);
    skewed.add("pickup_hour");
    PreparedData v2Data = DataPreparation.prepare(raw, home.resolve("data/v2"), skewed, DataPreparation.DEFAULT_SEED);
    say("v2 data: features " + v2Data.features() + " — live clients only send " + v1Data.features());
    PreparedData drifted = null;
    if (options.retrain()) {
      Path driftRaw = home.resolve("data/raw/green_tripdata_drifted.csv");
      TripGenerator.generate(Math.max(5_000, options.trips() / 10), 7, driftRaw, DRIFT_DISTANCE_FACTOR);
      drifted = DataPreparation.prepare(driftRaw, home.resolve("data/drifted"), DataPreparation.DEFAULT_FEATURES,
          DataPreparation.DEFAULT_SEED);
      say("drifted trips for later: " + drifted.rowsKept() + " trips " + DRIFT_DISTANCE_FACTOR
          + "x as long (a new airport line), with their real fares");
    }

    try (DevEnvironment dev = DevEnvironment.start(new DevEnvironment.Options(home, options.temporal(),
        options.temporalPort(), options.uiPort(), 0, 0, true, 0, null, Duration.ofSeconds(1),
        MONITORING_INTERVAL), noticeStream())) {
      TemporalServer server = dev.temporalServer();
      String webUi = server.webUi() == null ? null : server.webUi() + "/namespaces/default/workflows?query="
          + URLEncoder.encode(SearchAttributes.MODEL.getName() + "=\"" + MODEL + "\"", StandardCharsets.UTF_8);
      say(server.description() + " on " + dev.temporalAddress() + "; local platform control "
          + dev.platform().url() + ", router " + dev.platform().routerUrl());
      if (webUi != null) {
        say("Temporal Web UI: " + webUi);
      }
      try (TrafficGenerator traffic = new TrafficGenerator(v1Data.test(), dev.platform().routerUrl(),
          MODEL + "-prod", options.trafficPerSecond(), 4)) {
        traffic.start();
        say("live traffic: replaying the test set at " + options.trafficPerSecond() + " requests/s against "
            + MODEL + "-prod");
        if (options.retrain()) {
          // drift alarms retrain the model: with the trips production saw, where their fares are known
          RetrainStarter.configure(dev.client(), MODEL, new RetrainPolicy(RETRAIN_COOL_DOWN, true));
          say("retraining of " + MODEL + ": a drift alarm starts the next version on its data plus captured, "
              + "labelled production trips (cool-down " + DurationText.format(RETRAIN_COOL_DOWN) + ")");
        }
        List<RunSummary> runs = new ArrayList<>();
        runs.add(deploy(dev.client(), "v1", v1Data));
        runs.add(deploy(dev.client(), "v2", v2Data));
        String live = liveVersion(dev);
        say("production now serves " + live + "; live traffic answers so far: " + traffic.answers());
        Map<String, Long> answers = traffic.answers();
        RetrainLoop loop = null;
        if (options.retrain()) {
          traffic.close();
          loop = retrainLoop(dev, drifted, runs);
          live = liveVersion(dev);
          say("production now serves " + live);
        }
        Report report = new Report(runs, live, answers,
            Duration.ofNanos(System.nanoTime() - started).toMillis(), server.description(), webUi, loop);
        say("demo " + (report.asExpected() ? "finished as expected" : "did NOT end as expected") + " in "
            + report.totalMillis() / 1000.0 + " s");
        if (options.linger() && webUi != null) {
          traffic.close();
          say("--linger: the Temporal server and its Web UI stay up (" + webUi + "); Ctrl-C stops");
          lingerUntilStopped();
        }
        return report;
      }
    }
  }

  /**
   * Drifted traffic to v1 until its drift alarm fires and the retrain workflow starts the next version; then that
   * run is followed (and approved) like the others.
   */
  private RetrainLoop retrainLoop(DevEnvironment dev, PreparedData drifted, List<RunSummary> runs)
      throws IOException {
    long loopStarted = System.nanoTime();
    Instant trafficStarted = Instant.now();
    WorkflowClient client = dev.client();
    RetrainWorkflow entity = client.newWorkflowStub(RetrainWorkflow.class, RetrainWorkflow.workflowId(MODEL));
    try (TrafficGenerator traffic = new TrafficGenerator(drifted.train(), dev.platform().routerUrl(),
        MODEL + "-prod", options.trafficPerSecond(), 4, PlatformClient.forHome(dev.platform().url(), dev.platform().home()), "drift")) {
      traffic.start();
      say("drift: " + options.trafficPerSecond() + " requests/s of trips " + DRIFT_DISTANCE_FACTOR
          + "x as long, their fares reported as ground truth; drift monitoring runs every "
          + DurationText.format(MONITORING_INTERVAL));
      long deadline = System.nanoTime() + RETRAIN_START_TIMEOUT.toNanos();
      RetrainJournalEntry started = null;
      int journalSeen = 0;
      while (started == null && System.nanoTime() < deadline) {
        sleep(250);
        RetrainStatus status = entity.status();
        for (int i = journalSeen; i < status.journal().size(); i++) {
          RetrainJournalEntry e = status.journal().get(i);
          if (e.event() != RetrainJournalEntry.Event.CONFIGURED) {
            say("retrain | " + e.event() + ": " + e.detail());
          }
          if (e.event() == RetrainJournalEntry.Event.RUN_STARTED) {
            started = e;
          }
        }
        journalSeen = status.journal().size();
      }
      if (started == null) {
        say("no retrain started within " + DurationText.format(RETRAIN_START_TIMEOUT));
        return new RetrainLoop(null, null, null, null, null, null, "no retrain started within "
            + DurationText.format(RETRAIN_START_TIMEOUT), null, null, null,
            Duration.ofNanos(System.nanoTime() - loopStarted).toMillis(), traffic.labelled(), traffic.answers());
      }
      RetrainTrigger cause = started.trigger();
      Long trafficToAlarm = cause.at() == null ? null : Duration.between(trafficStarted, cause.at()).toMillis();
      Long alarmToRun = cause.at() == null ? null : Duration.between(cause.at(), started.at()).toMillis();
      say("retrain started " + started.run() + " for " + cause.describe()
          + (trafficToAlarm == null ? "" : " (alarm " + trafficToAlarm + " ms after the drift began, run "
              + alarmToRun + " ms after the alarm)"));
      RunSummary run = follow(client, started.version(), System.nanoTime());
      runs.add(run);
      String trainingData = started.detail() == null ? null
          : started.detail().substring(started.detail().indexOf("training data: ") + "training data: ".length());
      return new RetrainLoop(cause.alarmName(), cause.value(), started.run(), started.version(), trainingData,
          run.outcome(), run.reason(), trafficToAlarm, alarmToRun, run.wallMillis(),
          Duration.ofNanos(System.nanoTime() - loopStarted).toMillis(), traffic.labelled(), traffic.answers());
    }
  }

  private RunSummary deploy(WorkflowClient client, String version, PreparedData data) {
    long started = System.nanoTime();
    say("starting " + PipelineRequest.workflowId(MODEL, version));
    start(client, options, version, data);
    return follow(client, version, started);
  }

  /**
   * The demo's run of {@code version} (canary, four-eyes approval, the default judge), started the way every run
   * starts. The loop's v3 is retrained on drifted trips precisely so that it answers differently from v1; its retrain
   * run's judge holds the answer metrics advisory, so a moved answer asks the approver (MARGINAL, which the demo
   * accepts, saying so) instead of rolling v3 back.
   */
  static PipelineRuns.Started start(WorkflowClient client, Options options, String version, PreparedData data) {
    DeploymentPolicy policy = DeploymentPolicy.builder()
        .strategy(Strategy.CANARY)
        .canaryPercent(10)
        .bake(options.canaryBake())
        .finalBake(options.finalBake())
        .alarmPollInterval(Duration.ofSeconds(1))
        .approvalTimeout(Duration.ofMinutes(30))
        .reminderInterval(Duration.ofMinutes(10))
        .approvers(List.of(APPROVER))
        .fourEyes(true)
        .watchWindow(Duration.ZERO)
        .build();
    PipelineRequest request = new PipelineRequest(MODEL, version,
        new DataLocations(uri(data.train()), uri(data.validation()), uri(data.test()), uri(data.baseline())),
        Map.of(), REQUESTER, policy).validated();
    return PipelineRuns.start(client, request);
  }

  /** Prints the run's events, approves it when it asks, and waits for its end. */
  private RunSummary follow(WorkflowClient client, String version, long started) {
    SafeDeploymentWorkflow wf = client.newWorkflowStub(SafeDeploymentWorkflow.class,
        PipelineRequest.workflowId(MODEL, version));
    int printed = 0;
    boolean approved = false;
    String reviewed = null;
    WorkflowStub stub = WorkflowStub.fromTyped(wf);
    while (true) {
      PipelineStatus status = wf.status();
      List<String> events = status.events();
      for (int i = printed; i < events.size(); i++) {
        say(version + " | " + stripTimestamp(events.get(i)));
      }
      printed = events.size();
      if (!approved && status.stage() == Stage.AWAIT_APPROVAL) {
        // The same validated update `safedeploy approve` sends.
        wf.decide(ApprovalDecision.approve(APPROVER, "demo: metrics look fine", "demo"));
        approved = true;
      }
      if (status.judgeReview() != null && !status.judgeReview().step().equals(reviewed)) {
        // A marginal judgement waits for a person; the unattended demo plays that person, saying so. On a busy
        // machine a second model server's latency alone can make a judgement marginal, and a retrain run's moved
        // answers always ask (errors, and an ordinary run's answers, roll back without asking).
        reviewed = status.judgeReview().step();
        say(version + " | marginal judgement at " + reviewed + ": " + status.judgeReview().reason()
            + " - the demo approves it, as `safedeploy approve` would");
        wf.decide(ApprovalDecision.approve(APPROVER, "demo: marginal judgement accepted", "demo"));
      }
      if (status.stage() == Stage.DONE) {
        break;
      }
      sleep(200);
    }
    PipelineResult result = stub.getResult(PipelineResult.class);
    say(version + " => " + result.outcome() + ": " + result.reason()
        + (result.alarmToBlueMillis() == null ? "" : " (100% on blue " + result.alarmToBlueMillis()
            + " ms after the alarm)"));
    return new RunSummary(MODEL, version, result.outcome(), result.reason(), result.validationRmse(),
        result.alarmToBlueMillis(), Duration.ofNanos(System.nanoTime() - started).toMillis());
  }

  /** The variant serving most production traffic, as the platform reports it; null when nothing serves. */
  private static String liveVersion(DevEnvironment dev) {
    boolean exists = dev.platform().endpoints().stream().anyMatch(e -> e.name().equals(MODEL + "-prod"));
    if (!exists) {
      return null;
    }
    var endpoint = dev.platform().endpoint(MODEL + "-prod");
    return endpoint.variants().stream().filter(v -> v.weight() > 0)
        .max(Comparator.comparingInt(v -> v.weight())).map(v -> v.name()).orElse(null);
  }

  /** The one JSON line `--json` ends with. */
  public static String toJson(Report report) {
    ObjectMapper json = JsonMapping.mapper();
    ObjectNode root = json.createObjectNode();
    ArrayNode runs = root.putArray("runs");
    for (RunSummary r : report.runs()) {
      ObjectNode n = runs.addObject();
      n.put("model", r.model());
      n.put("version", r.version());
      n.put("outcome", r.outcome().name());
      n.put("reason", r.reason());
      if (r.validationRmse() != null) {
        n.put("validationRmse", r.validationRmse());
      }
      if (r.alarmToBlueMillis() != null) {
        n.put("alarmToBlueMillis", r.alarmToBlueMillis());
      }
      n.put("wallMillis", r.wallMillis());
    }
    RetrainLoop loop = report.retrain();
    if (loop != null) {
      ObjectNode n = root.putObject("retrain");
      n.put("driftAlarm", loop.driftAlarm());
      if (loop.driftValue() != null) {
        n.put("driftValue", loop.driftValue());
      }
      n.put("run", loop.retrainRun());
      n.put("version", loop.version());
      n.put("trainingData", loop.trainingData());
      n.put("outcome", loop.outcome() == null ? null : loop.outcome().name());
      n.put("reason", loop.reason());
      ObjectNode t = n.putObject("timings");
      if (loop.trafficToAlarmMillis() != null) {
        t.put("driftToAlarmMillis", loop.trafficToAlarmMillis());
        t.put("alarmToRetrainRunMillis", loop.alarmToRunMillis());
      }
      if (loop.runMillis() != null) {
        t.put("retrainRunMillis", loop.runMillis());
      }
      t.put("loopMillis", loop.loopMillis());
      n.put("labelledRequests", loop.labelled());
    }
    root.put("liveVersion", report.liveVersion());
    root.put("totalMillis", report.totalMillis());
    root.put("temporalServer", report.temporalServer());
    if (report.webUi() != null) {
      root.put("webUi", report.webUi());
    }
    return root.toString();
  }

  private PrintStream noticeStream() {
    return options.json() ? System.err : out;
  }

  private static void lingerUntilStopped() {
    try {
      new java.util.concurrent.CountDownLatch(1).await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void say(String line) {
    if (options.json()) {
      System.err.println(LocalTime.now(ZoneId.systemDefault()).format(CLOCK) + "  " + line);
    } else {
      out.println(LocalTime.now(ZoneId.systemDefault()).format(CLOCK) + "  " + line);
    }
  }

  private static String stripTimestamp(String event) {
    int space = event.indexOf(' ');
    return space > 0 && event.charAt(0) >= '0' && event.charAt(0) <= '9' ? event.substring(space + 1) : event;
  }

  private static String uri(Path p) {
    return p.toAbsolutePath().toUri().toString();
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
