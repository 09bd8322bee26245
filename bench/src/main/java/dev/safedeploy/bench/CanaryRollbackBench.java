package dev.safedeploy.bench;

import dev.safedeploy.platform.api.Endpoint;
import dev.safedeploy.platform.api.Variant;
import dev.safedeploy.platform.control.PlatformException;
import dev.safedeploy.platform.data.PreparedData;
import dev.safedeploy.worker.ScratchDirectory;
import dev.safedeploy.worker.demo.TrafficGenerator;
import dev.safedeploy.workflows.pipeline.AlarmRecord;
import dev.safedeploy.workflows.pipeline.ApprovalDecision;
import dev.safedeploy.workflows.pipeline.DeploymentPolicy;
import dev.safedeploy.workflows.pipeline.Outcome;
import dev.safedeploy.workflows.pipeline.PipelineRequest;
import dev.safedeploy.workflows.pipeline.PipelineResult;
import dev.safedeploy.workflows.pipeline.PipelineStatus;
import dev.safedeploy.workflows.pipeline.SafeDeploymentWorkflow;
import dev.safedeploy.workflows.pipeline.Stage;
import dev.safedeploy.workflows.pipeline.Strategy;
import io.temporal.client.WorkflowStub;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Broken canaries on the real local platform: a good blue serves, then each run deploys a genuinely broken green (it
 * expects a feature live clients do not send), live traffic makes its 5XX alarm fire from real metrics mid-bake, and the
 * workflow rolls back. Per run:
 * <ul>
 *   <li>detection: green's weights confirmed by the router -> the alarm's transition to ALARM (platform clock);
 *   <li>alarm -> blue: the PipelineResult's {@code alarmToBlueMillis} (transition -> router confirms 100% blue);
 *   <li>cross-check: a client polling the router records which variant answered each request it sent; after the
 *       confirmation time it must only ever see blue.
 * </ul>
 */
public final class CanaryRollbackBench {

  static final String MODEL = "rbench";
  private static final Duration RUN_LIMIT = Duration.ofMinutes(3);

  public record Options(Path home, int runs, long trips, Duration alarmPeriod, int trafficPerSecond) {}

  private record Sample(long sentAtMillis, String variant, int status) {}

  private final Options options;
  private final PrintStream progress;

  public CanaryRollbackBench(Options options, PrintStream progress) {
    if (options.runs() < 1 || options.runs() > 500) {
      throw new IllegalArgumentException("--runs must be in [1, 500], got " + options.runs());
    }
    if (options.trips() < 2000) {
      throw new IllegalArgumentException("--trips must be at least 2000, got " + options.trips());
    }
    if (options.trafficPerSecond() < 1 || options.trafficPerSecond() > 2000) {
      throw new IllegalArgumentException("--rate must be in [1, 2000], got " + options.trafficPerSecond());
    }
    this.options = options;
    this.progress = progress;
  }

  /** @param name "rollback" or "detection": which figures lead the report */
  public BenchReport run(String name) throws Exception {
    Path home = options.home().toAbsolutePath();
    ScratchDirectory.wipe(home);
    progress.println("bench " + name + ": preparing " + options.trips() + " synthetic trips in " + home);
    BenchData data = BenchData.generate(home.resolve("data"), options.trips());
    List<Double> detection = new ArrayList<>();
    List<Double> alarmToBlue = new ArrayList<>();
    List<Double> observedLastGreen = new ArrayList<>();
    long greenAfterConfirm = 0;
    long samplesTotal = 0;
    int signalled = 0;
    try (LocalStack stack = LocalStack.start(home.resolve("stack"), true, options.alarmPeriod())) {
      String prod = new dev.safedeploy.workflows.pipeline.ResourceNames(MODEL, "v0").prodEndpoint();
      PipelineResult blue = deploy(stack, "v0", data.good(), Duration.ZERO, null);
      if (blue.outcome() != Outcome.PROMOTED) {
        throw new IllegalStateException("blue v0 did not go live: " + blue.outcome() + " " + blue.reason());
      }
      progress.println("bench " + name + ": blue v0 live on " + prod);
      try (TrafficGenerator traffic = new TrafficGenerator(data.good().test(), stack.platform().routerUrl(), prod,
          options.trafficPerSecond(), 4);
          RouterPoller poller = new RouterPoller(stack.platform().routerUrl().resolve("/endpoints/" + prod
              + "/invocations"), firstRow(data.good().test()))) {
        traffic.start();
        poller.start();
        for (int i = 1; i <= options.runs(); i++) {
          String version = String.format("r%03d", i);
          AtomicReference<Instant> greenServing = new AtomicReference<>();
          PipelineResult result = deploy(stack, version, data.broken(), Duration.ofSeconds(60),
              () -> greenServing.compareAndSet(null, greenConfirmedAt(stack, prod, version)));
          if (result.outcome() != Outcome.ROLLED_BACK || result.alarmToBlueMillis() == null) {
            throw new IllegalStateException(version + " was not rolled back by its alarm: " + result.outcome()
                + " " + result.reason());
          }
          AlarmRecord fired = status(stack, version).alarms().stream()
              .filter(a -> a.action().equals("rollback")).findFirst()
              .orElseThrow(() -> new IllegalStateException(version + ": no alarm record with action rollback"));
          signalled += fired.source().equals("SIGNAL") ? 1 : 0;
          Instant transition = fired.transitionedAt();
          long confirmedAt = transition.toEpochMilli() + result.alarmToBlueMillis();
          alarmToBlue.add(result.alarmToBlueMillis().doubleValue());
          if (greenServing.get() != null) {
            detection.add((double) Duration.between(greenServing.get(), transition).toMillis());
          }
          List<Sample> samples = poller.drain();
          samplesTotal += samples.size();
          long lastGreen = Long.MIN_VALUE;
          for (Sample s : samples) {
            if (version.equals(s.variant())) {
              lastGreen = Math.max(lastGreen, s.sentAtMillis());
              if (s.sentAtMillis() > confirmedAt) {
                greenAfterConfirm++;
              }
            }
          }
          if (lastGreen != Long.MIN_VALUE) {
            observedLastGreen.add((double) (lastGreen - transition.toEpochMilli()));
          }
          progress.printf("bench %s: %s rolled back, detection %s ms, alarm->blue %d ms%n", name, version,
              greenServing.get() == null ? "?" : Duration.between(greenServing.get(), transition).toMillis(),
              result.alarmToBlueMillis());
        }
        Map<String, Long> answers = traffic.answers();
        BenchReport report = new BenchReport(name);
        Stats blueStats = Stats.of(alarmToBlue);
        Stats det = Stats.of(detection);
        if (name.equals("rollback")) {
          report.put("runs", options.runs())
              .put("alarmToBlueMillisP50", blueStats.p50())
              .put("alarmToBlueMillisP99", blueStats.p99())
              .put("alarmToBlueMillisMax", blueStats.max())
              .put("goalP99Millis", 500)
              .put("routerSamples", samplesTotal)
              .put("greenAnswersSentAfterConfirmation", greenAfterConfirm)
              .put("lastGreenAnswerAfterAlarmMillisP50", Stats.of(observedLastGreen).p50())
              .put("lastGreenAnswerAfterAlarmMillisP99", Stats.of(observedLastGreen).p99())
              .put("rollbacksTriggeredBySignal", signalled)
              .put("detectionMillisP50", det.p50())
              .put("alarmPeriodMillis", options.alarmPeriod().toMillis());
        } else {
          report.put("runs", options.runs())
              .put("alarmPeriodMillis", options.alarmPeriod().toMillis())
              .put("detectionMillisP50", det.p50())
              .put("detectionMillisP99", det.p99())
              .put("detectionMillisMax", det.max())
              .put("detectionMillisMin", det.min())
              .put("detectionOverPeriodP50", det.p50() / options.alarmPeriod().toMillis())
              .put("alarmToBlueMillisP50", blueStats.p50());
        }
        report.put("trafficPerSecond", options.trafficPerSecond())
            .put("trips", options.trips())
            .put("liveTrafficAnswers", answers.toString())
            .note("detection = router confirms green's 10% weight -> green's 5XX alarm transitions to ALARM "
                + "(Invocation5XXErrors Sum >= 1 in 1 of 1 periods, evaluated every 50 ms)")
            .note("alarm->blue = alarm transition -> traffic activity's router confirmation of 100% blue "
                + "(PipelineResult.alarmToBlueMillis); cross-check: a client polling the router back to back")
            .note("the green variant is a model trained with an extra feature (pickup_hour) that live clients "
                + "do not send, so its real invocations answer 5XX");
        return report;
      }
    }
  }

  private PipelineResult deploy(LocalStack stack, String version, PreparedData data, Duration bake,
      Runnable whileBaking) throws Exception {
    DeploymentPolicy policy = DeploymentPolicy.builder().strategy(Strategy.CANARY).canaryPercent(10).bake(bake)
        .finalBake(Duration.ZERO).alarmPollInterval(Duration.ofSeconds(5)).approvalTimeout(Duration.ofHours(1))
        .reminderInterval(Duration.ofHours(1)).approvers(java.util.List.of(BenchRequests.APPROVER))
        .watchWindow(Duration.ZERO).build();
    PipelineRequest request = new PipelineRequest(MODEL, version, BenchData.locations(data), Map.of(),
        BenchRequests.REQUESTER, policy).validated();
    SafeDeploymentWorkflow wf = EmbeddedPipeline.start(stack.client(), request);
    long deadline = System.nanoTime() + RUN_LIMIT.toNanos();
    boolean approved = false;
    while (System.nanoTime() < deadline) {
      PipelineStatus s = wf.status();
      if (s.stage() == Stage.DONE) {
        break;
      }
      if (!approved && s.stage() == Stage.AWAIT_APPROVAL) {
        wf.decide(ApprovalDecision.approve(BenchRequests.APPROVER, "bench", "bench"));
        approved = true;
      }
      if (whileBaking != null && s.stage() == Stage.DEPLOY_PROD && s.trafficStep() >= 1) {
        whileBaking.run();
      }
      Thread.sleep(approved ? 5 : 20);
    }
    return WorkflowStub.fromTyped(wf).getResult(Math.max(1, (deadline - System.nanoTime()) / 1_000_000),
        TimeUnit.MILLISECONDS, PipelineResult.class);
  }

  private static PipelineStatus status(LocalStack stack, String version) {
    return stack.client().newWorkflowStub(SafeDeploymentWorkflow.class,
        PipelineRequest.workflowId(MODEL, version)).status();
  }

  /** When the router confirmed weights that give the green variant traffic (null if it has none yet). */
  private static Instant greenConfirmedAt(LocalStack stack, String endpoint, String green) {
    try {
      Endpoint e = stack.platform().endpoint(endpoint);
      Variant v = e.variant(green);
      return v != null && v.weight() > 0 ? e.weightsConfirmedAt() : null;
    } catch (PlatformException e) {
      return null;
    }
  }

  private static String firstRow(Path testCsv) throws IOException {
    try (var lines = Files.lines(testCsv)) {
      String row = lines.filter(l -> !l.isBlank()).findFirst()
          .orElseThrow(() -> new IllegalArgumentException(testCsv + " has no rows"));
      return row.substring(row.indexOf(',') + 1);
    }
  }

  /** One client invoking the router back to back, recording who answered each request and when it was sent. */
  private static final class RouterPoller implements AutoCloseable {
    private final URI target;
    private final String row;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final ConcurrentLinkedQueue<Sample> samples = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread thread;

    RouterPoller(URI target, String row) {
      this.target = target;
      this.row = row;
      this.thread = new Thread(this::loop, "bench-router-poller");
      thread.setDaemon(true);
    }

    void start() {
      thread.start();
    }

    private void loop() {
      HttpRequest request = HttpRequest.newBuilder(target).timeout(Duration.ofSeconds(5))
          .header("Content-Type", "text/csv").POST(HttpRequest.BodyPublishers.ofString(row)).build();
      while (running.get()) {
        long sent = System.currentTimeMillis();
        try {
          HttpResponse<Void> r = http.send(request, HttpResponse.BodyHandlers.discarding());
          samples.add(new Sample(sent, r.headers().firstValue("X-SageMaker-Variant").orElse("-"), r.statusCode()));
        } catch (IOException e) {
          samples.add(new Sample(sent, "-", -1));
        } catch (InterruptedException e) {
          return;
        }
      }
    }

    List<Sample> drain() {
      List<Sample> out = new ArrayList<>();
      for (Sample s; (s = samples.poll()) != null; ) {
        out.add(s);
      }
      return out;
    }

    @Override
    public void close() {
      running.set(false);
      thread.interrupt();
    }
  }
}
