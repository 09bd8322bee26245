package dev.safedeploy.bench;

import dev.safedeploy.worker.temporal.TemporalServers;
import dev.safedeploy.workflows.pipeline.ApprovalDecision;
import dev.safedeploy.workflows.pipeline.Outcome;
import dev.safedeploy.workflows.pipeline.PipelineRequest;
import dev.safedeploy.workflows.pipeline.PipelineResult;
import dev.safedeploy.workflows.pipeline.SafeDeploymentWorkflow;
import io.temporal.client.WorkflowStub;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Orchestration overhead: whole pipelines (canary with a live blue, zero-length bakes, approval through the
 * {@code decide} update the moment it is requested) against instant activities, on the embedded server in real time.
 * Everything that is not inside an activity is overhead: Temporal round trips, workflow tasks, the update.
 */
public final class OverheadBench {

  private static final Logger log = LoggerFactory.getLogger(OverheadBench.class);
  static final String MODEL = "overhead";

  private final int runs;
  private final int warmup;

  private final TemporalServers.Mode server;

  public OverheadBench(int runs, int warmup, TemporalServers.Mode server) {
    this.server = server;
    if (runs < 1 || runs > 1000) {
      throw new IllegalArgumentException("--runs must be in [1, 1000], got " + runs);
    }
    if (warmup < 0 || warmup > 100) {
      throw new IllegalArgumentException("--warmup must be in [0, 100], got " + warmup);
    }
    this.runs = runs;
    this.warmup = warmup;
  }

  public BenchReport run() throws java.util.concurrent.TimeoutException {
    InstantBackend backend = new InstantBackend();
    Map<String, long[]> approvals = new ConcurrentHashMap<>();
    ExecutorService approver = Executors.newSingleThreadExecutor(r -> new Thread(r, "bench-approver"));
    try (EmbeddedPipeline temporal = EmbeddedPipeline.start(List.of(backend), server, "overhead")) {
      // The approver answers as soon as approval is requested; its round trip is timed separately.
      backend.onCall(call -> {
        if (call.method().equals("notify") && call.detail().equals("APPROVAL_REQUESTED")) {
          approver.execute(() -> {
            long sent = System.nanoTime();
            temporal.existing(call.workflowId()).decide(ApprovalDecision.approve(BenchRequests.APPROVER,
                "bench", "bench"));
            approvals.put(call.workflowId(), new long[] {sent, System.nanoTime()});
          });
        }
      });
      List<Double> walls = new ArrayList<>();
      List<Double> inActivities = new ArrayList<>();
      List<Double> overheads = new ArrayList<>();
      List<Double> perActivity = new ArrayList<>();
      List<Double> updateRoundTrips = new ArrayList<>();
      Map<String, List<Double>> gapsByMethod = new TreeMap<>();
      int activities = 0;
      // The first run is a first deployment; every later one is a canary beside a live blue.
      for (int i = 0; i < warmup + runs; i++) {
        boolean measured = i >= warmup;
        String version = (measured ? "v" : "w") + (measured ? i - warmup + 1 : i + 1);
        PipelineRequest request = BenchRequests.instant(MODEL, version, BenchRequests.zeroBakes());
        long start = System.nanoTime();
        SafeDeploymentWorkflow wf = temporal.start(request);
        PipelineResult result = WorkflowStub.fromTyped(wf).getResult(2, TimeUnit.MINUTES, PipelineResult.class);
        long end = System.nanoTime();
        if (result.outcome() != Outcome.PROMOTED) {
          throw new IllegalStateException(request.workflowId() + " ended " + result.outcome() + ": "
              + result.reason());
        }
        if (!measured) {
          continue;
        }
        List<InstantBackend.Call> calls = backend.calls(request.workflowId());
        double wall = (end - start) / 1e6;
        double sum = calls.stream().mapToDouble(InstantBackend.Call::millis).sum();
        walls.add(wall);
        inActivities.add(sum);
        overheads.add(wall - sum);
        perActivity.add((wall - sum) / calls.size());
        activities = calls.size();
        long[] approval = approvals.get(request.workflowId());
        if (approval != null) {
          updateRoundTrips.add((approval[1] - approval[0]) / 1e6);
        }
        long previousEnd = start;
        for (InstantBackend.Call c : calls) {
          gapsByMethod.computeIfAbsent(c.method(), k -> new ArrayList<>()).add((c.startNanos() - previousEnd) / 1e6);
          previousEnd = c.endNanos();
        }
        log.debug("{}: wall {} ms, {} activities in {} ms", request.workflowId(), wall, calls.size(), sum);
      }
      Stats wall = Stats.of(walls);
      Stats overhead = Stats.of(overheads);
      BenchReport report = new BenchReport("overhead").put("server", temporal.server().description())
          .put("runs", runs)
          .put("warmupRuns", warmup)
          .put("activitiesPerRun", activities)
          .put("wallMillisP50", wall.p50())
          .put("wallMillisP99", wall.p99())
          .put("activityMillisSumP50", Stats.of(inActivities).p50())
          .put("overheadMillisP50", overhead.p50())
          .put("overheadMillisP99", overhead.p99())
          .put("overheadPerActivityMillisP50", Stats.of(perActivity).p50())
          .put("approvalUpdateRoundTripMillisP50", Stats.of(updateRoundTrips).p50());
      gapsByMethod.forEach((method, gaps) -> report.put("gapBefore." + method + ".millisP50", Stats.of(gaps).p50()));
      report.note("gapBefore.X = from the end of the previous activity (or the start call) to the start of X, "
          + "per run; before notify it includes the approval update for the APPROVED notice");
      report.note("one run = " + activities + " activity executions, CANARY 10% -> 100% with zero-length bakes");
      return report;
    } finally {
      approver.shutdownNow();
    }
  }
}
