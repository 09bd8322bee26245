package dev.safedeploy.bench;

import dev.safedeploy.worker.temporal.TemporalServers;
import dev.safedeploy.workflows.pipeline.ApprovalDecision;
import dev.safedeploy.workflows.pipeline.Outcome;
import dev.safedeploy.workflows.pipeline.PipelineRequest;
import dev.safedeploy.workflows.pipeline.PipelineResult;
import dev.safedeploy.workflows.pipeline.SafeDeploymentWorkflow;
import io.temporal.client.WorkflowStub;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Many pipelines parked at approval on one worker: how much heap they take, and how fast each reacts when approved
 * through the {@code decide} update (update sent -> the run's next activity starts, as seen by the backend).
 */
public final class ConcurrencyBench {

  private static final long PHASE_MINUTES = 10;

  private final int runs;

  private final TemporalServers.Mode server;
  private final Duration bake;
  private final int approvers;

  public ConcurrencyBench(int runs, TemporalServers.Mode server) {
    this(runs, server, Duration.ZERO, 32);
  }

  /**
   * @param bake each canary bake after approval; zero (the worst case) has every approved run deploy to production at
   *     once, inside the approval burst, where real bakes spread that work over minutes
   * @param approvers client threads sending the approvals, all at once
   */
  public ConcurrencyBench(int runs, TemporalServers.Mode server, Duration bake, int approvers) {
    this.server = server;
    if (runs < 1 || runs > 5000) {
      throw new IllegalArgumentException("--runs must be in [1, 5000], got " + runs);
    }
    if (bake.isNegative() || bake.compareTo(Duration.ofMinutes(4)) > 0) {
      throw new IllegalArgumentException("--bake must be in [0, 4m], got " + bake);
    }
    if (approvers < 1 || approvers > 256) {
      throw new IllegalArgumentException("--approvers must be in [1, 256], got " + approvers);
    }
    this.runs = runs;
    this.bake = bake;
    this.approvers = approvers;
  }

  public BenchReport run() throws InterruptedException {
    InstantBackend backend = new InstantBackend();
    CountDownLatch waiting = new CountDownLatch(runs);
    CountDownLatch reacted = new CountDownLatch(runs);
    Map<String, Long> approvalSent = new ConcurrentHashMap<>();
    Map<String, Double> reactions = new ConcurrentHashMap<>();
    Map<String, String> reactionCall = new ConcurrentHashMap<>();
    backend.onCall(call -> {
      if (call.method().equals("notify") && call.detail().equals("APPROVAL_REQUESTED")) {
        waiting.countDown();
        return;
      }
      Long sent = approvalSent.get(call.workflowId());
      if (sent != null && call.startNanos() > sent
          && reactions.putIfAbsent(call.workflowId(), (call.startNanos() - sent) / 1e6) == null) {
        reactionCall.put(call.workflowId(), call.method() + " " + call.detail());
        reacted.countDown();
      }
    });
    ExecutorService pool = Executors.newFixedThreadPool(32, r -> new Thread(r, "bench-client"));
    ExecutorService approving = Executors.newFixedThreadPool(approvers, r -> new Thread(r, "bench-approver"));
    try (EmbeddedPipeline temporal = EmbeddedPipeline.start(List.of(backend), server,
        "concurrency")) {
      long heapBefore = usedHeap();
      List<PipelineRequest> requests = new ArrayList<>();
      for (int i = 1; i <= runs; i++) {
        requests.add(BenchRequests.instant(String.format("conc-%04d", i), "v1", BenchRequests.bakes(bake)));
      }
      long startAll = System.nanoTime();
      List<Future<?>> started = new ArrayList<>();
      for (PipelineRequest request : requests) {
        started.add(pool.submit(() -> temporal.start(request)));
      }
      await(started, "start");
      long allStarted = System.nanoTime();
      if (!waiting.await(PHASE_MINUTES, TimeUnit.MINUTES)) {
        throw new IllegalStateException("only " + (runs - waiting.getCount()) + " of " + runs
            + " runs reached approval within " + PHASE_MINUTES + " min");
      }
      long allWaiting = System.nanoTime();
      long heapWaiting = usedHeap();

      List<Double> updateMillis = new ArrayList<>(runs);
      List<Future<?>> approved = new ArrayList<>();
      long approveAll = System.nanoTime();
      for (PipelineRequest request : requests) {
        approved.add(approving.submit(() -> {
          SafeDeploymentWorkflow wf = temporal.existing(request.workflowId());
          long sent = System.nanoTime();
          approvalSent.put(request.workflowId(), sent);
          wf.decide(ApprovalDecision.approve(BenchRequests.APPROVER, "bench", "bench"));
          double took = (System.nanoTime() - sent) / 1e6;
          synchronized (updateMillis) {
            updateMillis.add(took);
          }
        }));
      }
      await(approved, "approve");
      if (!reacted.await(PHASE_MINUTES, TimeUnit.MINUTES)) {
        throw new IllegalStateException("only " + (runs - reacted.getCount()) + " of " + runs
            + " runs reacted to approval within " + PHASE_MINUTES + " min");
      }
      long allReacted = System.nanoTime();
      AtomicInteger promoted = new AtomicInteger();
      List<Future<?>> finished = new ArrayList<>();
      for (PipelineRequest request : requests) {
        finished.add(pool.submit(() -> {
          PipelineResult result = WorkflowStub.fromTyped(temporal.existing(request.workflowId()))
              .getResult(PHASE_MINUTES, TimeUnit.MINUTES, PipelineResult.class);
          if (result.outcome() == Outcome.PROMOTED) {
            promoted.incrementAndGet();
          }
          return null;
        }));
      }
      await(finished, "finish");
      long allDone = System.nanoTime();

      Stats reaction = Stats.of(reactions.values());
      Stats update = Stats.of(updateMillis);
      long notNotify = reactionCall.values().stream().filter(c -> !c.equals("notify APPROVED")).count();
      int cache = dev.safedeploy.worker.PipelineWorker.workflowCache(
          System.getenv(dev.safedeploy.worker.PipelineWorker.ENV_WORKFLOW_CACHE));
      return new BenchReport("concurrency")
          .put("runs", runs)
          .put("startAllMillis", (allStarted - startAll) / 1e6)
          .put("allAtApprovalMillis", (allWaiting - startAll) / 1e6)
          .put("heapUsedBeforeMB", heapBefore / 1048576.0)
          .put("heapUsedAllWaitingMB", heapWaiting / 1048576.0)
          .put("heapPerWaitingRunKB", (heapWaiting - heapBefore) / 1024.0 / runs)
          .put("updateMillisP50", update.p50())
          .put("updateMillisP99", update.p99())
          .put("reactionMillisP50", reaction.p50())
          .put("reactionMillisP99", reaction.p99())
          .put("reactionMillisMax", reaction.max())
          .put("reactionsOver1s", reactions.values().stream().filter(ms -> ms > 1000).count())
          .put("reactionsOver10s", reactions.values().stream().filter(ms -> ms > 10_000).count())
          .put("allReactedMillis", (allReacted - approveAll) / 1e6)
          .put("allFinishedMillis", (allDone - approveAll) / 1e6)
          .put("promoted", promoted.get())
          .put("reactionNotNotifyApproved", notNotify)
          .put("server", temporal.server().description())
          .put("workflowCache", cache)
          .put("bakeMillis", bake.toMillis())
          .put("approvers", approvers)
          .note(temporal.server() instanceof dev.safedeploy.worker.temporal.EmbeddedTemporalServer
              ? "heap is the whole process: embedded Temporal server + worker + client, after System.gc()"
              : "heap is this process: worker + client, after System.gc(); the dev server is a separate process")
          .note("reaction = decide update sent -> the run's next activity (notify APPROVED) starts; "
              + runs + " updates sent by " + approvers + " client threads at once")
          .note(bake.isZero() ? "bakes 0: every approved run deploys to production inside the approval burst"
              : "bakes " + bake.toSeconds() + " s: approved runs wait on the canary bake timer after the first shift")
          .note("one worker caching " + cache + " workflows (" + dev.safedeploy.worker.PipelineWorker.ENV_WORKFLOW_CACHE
              + "): runs beyond it are replayed on approval");
    } finally {
      pool.shutdownNow();
      approving.shutdownNow();
    }
  }

  private static void await(List<Future<?>> futures, String what) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(PHASE_MINUTES);
    for (Future<?> f : futures) {
      try {
        f.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      } catch (java.util.concurrent.ExecutionException e) {
        throw new IllegalStateException(what + " failed: " + e.getCause().getMessage(), e.getCause());
      } catch (java.util.concurrent.TimeoutException e) {
        throw new IllegalStateException(what + " did not finish within " + PHASE_MINUTES + " min", e);
      }
    }
  }

  static long usedHeap() throws InterruptedException {
    Runtime rt = Runtime.getRuntime();
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(200);
    }
    return rt.totalMemory() - rt.freeMemory();
  }
}
