package dev.safedeploy.bench;

import dev.safedeploy.activities.local.activities.LocalJudgeActivitiesImpl;
import dev.safedeploy.platform.api.DataCaptureConfig;
import dev.safedeploy.platform.api.Endpoint;
import dev.safedeploy.platform.api.ModelRecord;
import dev.safedeploy.platform.api.Variant;
import dev.safedeploy.platform.client.PlatformClient;
import dev.safedeploy.platform.control.LocalPlatform;
import dev.safedeploy.platform.control.PlatformConfig;
import dev.safedeploy.platform.training.TrainedModel;
import dev.safedeploy.platform.training.XgbTrainer;
import dev.safedeploy.worker.ScratchDirectory;
import dev.safedeploy.workflows.judge.JudgeMetric;
import dev.safedeploy.workflows.judge.JudgePolicy;
import dev.safedeploy.workflows.judge.JudgeRequest;
import dev.safedeploy.workflows.judge.Judgement;
import dev.safedeploy.workflows.judge.MetricJudgement;
import dev.safedeploy.workflows.judge.Pairing;
import dev.safedeploy.workflows.judge.Verdict;
import dev.safedeploy.workflows.pipeline.Hyperparameters;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToLongFunction;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The canary judge's error rates on the local platform: a green identical to blue (blue's own artifact as a second
 * model) and a subtly worse green (the same training stopped early, about +15% validation RMSE, no errors), each beside
 * blue at 90/10 for many bakes, with the paired canary on (every request green serves also answered by blue, for the
 * judge's PREDICTION_PAIRED); each canary window is judged twice, with and without PREDICTION_PAIRED, to show what the
 * pairs add on the same traffic; and in shadow bakes (blue serves all, green gets every request mirrored). A bake is a window of live requests through the real router to real model servers
 * (held-out rows drawn at random), judged by the real local judge over the router's samples. No Temporal pipeline per
 * bake: training and deploying a version takes far longer than the judgement, and the judge reads only the window.
 */
public final class JudgeBench {
  static final String MODEL = "jbench";

  public record Options(Path home, int runs, int requests, int greenPercent, long trips, double targetRmseRatio,
      int threads) {}

  private final Options options;
  private final PrintStream progress;

  public JudgeBench(Options options, PrintStream progress) {
    if (options.runs() < 1 || options.runs() > 1000) {
      throw new IllegalArgumentException("--runs must be in [1, 1000], got " + options.runs());
    }
    if (options.requests() < 100 || options.requests() > 100_000) {
      throw new IllegalArgumentException("--requests must be in [100, 100000], got " + options.requests());
    }
    if (options.greenPercent() < 1 || options.greenPercent() > 50) {
      throw new IllegalArgumentException("--green-percent must be in [1, 50], got " + options.greenPercent());
    }
    if (!(options.targetRmseRatio() > 1.0) || options.targetRmseRatio() > 3) {
      throw new IllegalArgumentException("--worse-rmse must be in (1, 3], got " + options.targetRmseRatio());
    }
    this.options = options;
    this.progress = progress;
  }

  public BenchReport run() throws Exception {
    Path home = options.home().toAbsolutePath();
    ScratchDirectory.wipe(home);
    Files.createDirectories(home);
    BenchData data = BenchData.generate(home.resolve("data"), options.trips());
    Map<String, String> hp = Hyperparameters.withDefaults(Map.of());
    progress.println("bench judge: training blue on " + options.trips() + " synthetic trips");
    TrainedModel blue = XgbTrainer.train(data.good().train(), data.good().validation(), hp, home.resolve("blue"),
        r -> { });
    TrainedModel worse = worseModel(data, hp, blue, home);
    double ratio = worse.validationRmse() / blue.validationRmse();
    progress.printf("bench judge: blue rmse %.4f (%d rounds), worse rmse %.4f (%d rounds, %+.1f%%)%n",
        blue.validationRmse(), blue.rounds(), worse.validationRmse(), worse.rounds(), 100 * (ratio - 1));

    List<byte[]> rows = Files.readAllLines(data.good().validation()).stream()
        .map(l -> l.substring(l.indexOf(',') + 1).getBytes(StandardCharsets.UTF_8)).toList();
    JudgePolicy policy = JudgePolicy.defaults();
    // the same window judged as before the paired canary: answer distributions only
    JudgePolicy unpaired = policy.withMetrics(java.util.Arrays.stream(JudgeMetric.values())
        .filter(m -> m != JudgeMetric.PREDICTION_PAIRED).toList(), null);
    BenchReport report = new BenchReport("judge");
    ExecutorService pool = Executors.newFixedThreadPool(options.threads());
    try (LocalPlatform platform = LocalPlatform.start(PlatformConfig.of(home.resolve("platform"))
        .withDataRoots(java.util.List.of(home)))) {
      PlatformClient client = PlatformClient.forHome(platform.url(), platform.home());
      client.createModel(new ModelRecord(MODEL + "-v1", blue.artifact().toString(), MODEL, "v1",
          blue.validationRmse(), null));
      client.createModel(new ModelRecord(MODEL + "-same", blue.artifact().toString(), MODEL, "same",
          blue.validationRmse(), null));
      client.createModel(new ModelRecord(MODEL + "-worse", worse.artifact().toString(), MODEL, "worse",
          worse.validationRmse(), null));
      int g = options.greenPercent();
      for (String green : List.of("same", "worse")) {
        client.createEndpoint(new Endpoint(MODEL + "-" + green, MODEL, List.of(
            new Variant("v1", MODEL + "-v1", 100 - g, 1, null, null, null),
            new Variant(green, MODEL + "-" + green, g, 1, null, null, null)), DataCaptureConfig.disabled(), null,
            null, null, null));
        // the shadow step: blue serves every client, green at 0% gets the mirrored copies
        client.createEndpoint(new Endpoint(MODEL + "-shadow-" + green, MODEL, List.of(
            new Variant("v1", MODEL + "-v1", 100, 1, null, null, null),
            new Variant(green, MODEL + "-" + green, 0, 1, null, null, null)), DataCaptureConfig.disabled(), null,
            null, null, null));
      }
      client.setShadow(MODEL + "-shadow-worse", "worse");
      client.setShadow(MODEL + "-shadow-same", "same");
      // the paired canary: every request green serves at 10% is also answered by blue, kept as a pair only
      client.setShadow(MODEL + "-same", "v1", true);
      client.setShadow(MODEL + "-worse", "v1", true);
      LocalJudgeActivitiesImpl judge = new LocalJudgeActivitiesImpl(client);
      Random random = new Random(DataPreparationSeed.SEED);
      // warm-up: JIT for router, servers and client, so the first bake's latencies are not cold-start ones
      List<Double> blueOnly = new java.util.concurrent.CopyOnWriteArrayList<>();
      List<Double> blueShadowed = new java.util.concurrent.CopyOnWriteArrayList<>();
      List<Double> blueUnpaired = new java.util.concurrent.CopyOnWriteArrayList<>();
      List<Double> bluePaired = new java.util.concurrent.CopyOnWriteArrayList<>();
      for (String green : List.of("same", "worse")) {
        bake(client, pool, judge, MODEL + "-" + green, green, rows, random, policy, "warm-up", null, null, null);
        bake(client, pool, judge, MODEL + "-shadow-" + green, green, rows, random, policy, "warm-up", null, null,
            null);
      }
      List<Judgement> same = new ArrayList<>();
      List<Judgement> worseJudged = new ArrayList<>();
      List<Judgement> sameUnpaired = new ArrayList<>();
      List<Judgement> worseUnpaired = new ArrayList<>();
      List<Judgement> shadowSame = new ArrayList<>();
      List<Judgement> shadowWorse = new ArrayList<>();
      long started = System.nanoTime();
      for (int run = 1; run <= options.runs(); run++) {
        // interleaved so that any drift of the machine's load falls on every case alike
        same.add(bake(client, pool, judge, MODEL + "-same", "same", rows, random, policy, "bake " + run, null,
            unpaired, sameUnpaired));
        worseJudged.add(bake(client, pool, judge, MODEL + "-worse", "worse", rows, random, policy, "bake " + run,
            null, unpaired, worseUnpaired));
        // the blue path's client-side latency at a steady rate, without and with a shadow, on the same endpoint
        client.clearShadow(MODEL + "-shadow-same");
        paced(client, MODEL + "-shadow-same", rows, random, blueOnly, null);
        client.setShadow(MODEL + "-shadow-same", "same");
        paced(client, MODEL + "-shadow-same", rows, random, blueShadowed, null);
        // and the requests blue serves at 90/10 without and with the paired canary (blue answering green's copies)
        client.clearShadow(MODEL + "-same");
        paced(client, MODEL + "-same", rows, random, blueUnpaired, "v1");
        client.setShadow(MODEL + "-same", "v1", true);
        paced(client, MODEL + "-same", rows, random, bluePaired, "v1");
        shadowSame.add(bake(client, pool, judge, MODEL + "-shadow-same", "same", rows, random, policy,
            "shadow bake " + run, null, null, null));
        shadowWorse.add(bake(client, pool, judge, MODEL + "-shadow-worse", "worse", rows, random, policy,
            "shadow bake " + run, null, null, null));
        if (run % 10 == 0 || run == options.runs()) {
          progress.printf("bench judge: %d/%d bakes per case (paired canary: %s; unpaired: %s; shadow: %s)%n", run,
              options.runs(), summary(worseJudged), summary(worseUnpaired), summary(shadowWorse));
        }
      }
      Stats off = Stats.of(blueOnly);
      Stats on = Stats.of(blueShadowed);
      Stats pairedOff = Stats.of(blueUnpaired);
      Stats pairedOn = Stats.of(bluePaired);
      Stats pairCounts = Stats.of(sampleCounts(same, worseJudged, JudgeMetric.PREDICTION_PAIRED,
          MetricJudgement::blueSamples));
      var shadowCounts = client.clearShadow(MODEL + "-shadow-worse");
      long[] mirrors = {shadowCounts.mirrored(), shadowCounts.dropped()};
      double seconds = (System.nanoTime() - started) / 1e9;
      report.put("mode", "judge-level: real router, model servers and local judge per bake; no pipeline per bake")
          .put("runs", options.runs())
          .put("requestsPerBake", options.requests())
          .put("greenPercent", g)
          .put("blueRmse", blue.validationRmse())
          .put("worseRmse", worse.validationRmse())
          .put("worseRmseIncreasePercent", 100 * (ratio - 1))
          .put("worseRounds", worse.rounds() + " of blue's " + blue.rounds())
          .put("pairedWorseCaughtRate", caughtRate(worseJudged))
          .put("pairedWorseRolledBackRate", rate(worseJudged, Verdict.FAIL))
          .put("pairedWorseMarginalRate", rate(worseJudged, Verdict.MARGINAL))
          .put("pairedSameFalseRollbackRate", rate(same, Verdict.FAIL))
          .put("pairedSameMarginalRate", rate(same, Verdict.MARGINAL))
          .put("pairedSamePassRate", rate(same, Verdict.PASS))
          .put("pairsPerBakeP50", pairCounts.p50())
          .put("pairsPerBakeMin", pairCounts.count() == 0 ? 0L : (long) pairCounts.min())
          .put("pairedMetricFailuresWorse", failures(worseJudged))
          .put("pairedMetricFailuresSame", failures(same))
          .put("worseCaughtRate", caughtRate(worseUnpaired))
          .put("worseRolledBackRate", rate(worseUnpaired, Verdict.FAIL))
          .put("worseMarginalRate", rate(worseUnpaired, Verdict.MARGINAL))
          .put("worseInconclusiveRate", rate(worseUnpaired, Verdict.INCONCLUSIVE))
          .put("sameFalseRollbackRate", rate(sameUnpaired, Verdict.FAIL))
          .put("sameMarginalRate", rate(sameUnpaired, Verdict.MARGINAL))
          .put("samePassRate", rate(sameUnpaired, Verdict.PASS))
          .put("sameInconclusiveRate", rate(sameUnpaired, Verdict.INCONCLUSIVE))
          .put("greenSamplesP50", Stats.of(sampleCounts(same, worseJudged, JudgeMetric.ERROR_RATE,
              MetricJudgement::greenSamples)).p50())
          .put("metricFailuresWorse", failures(worseUnpaired))
          .put("metricFailuresSame", failures(sameUnpaired))
          .put("shadowWorseCaughtRate", caughtRate(shadowWorse))
          .put("shadowWorseRolledBackRate", rate(shadowWorse, Verdict.FAIL))
          .put("shadowSameFalseRollbackRate", rate(shadowSame, Verdict.FAIL))
          .put("shadowSameMarginalRate", rate(shadowSame, Verdict.MARGINAL))
          .put("shadowSamePassRate", rate(shadowSame, Verdict.PASS))
          .put("shadowPairsP50", Stats.of(sampleCounts(shadowSame, shadowWorse, JudgeMetric.PREDICTION_PAIRED,
              MetricJudgement::blueSamples)).p50())
          .put("shadowMetricFailuresWorse", failures(shadowWorse))
          .put("shadowMetricFailuresSame", failures(shadowSame))
          .put("blueP50MillisWithoutShadow", off.p50())
          .put("blueP50MillisWithShadow", on.p50())
          .put("blueP99MillisWithoutShadow", off.p99())
          .put("blueP99MillisWithShadow", on.p99())
          .put("shadowAddsP99Millis", on.p99() - off.p99())
          .put("blueP50MillisWithoutPairing", pairedOff.p50())
          .put("blueP50MillisWithPairing", pairedOn.p50())
          .put("blueP99MillisWithoutPairing", pairedOff.p99())
          .put("blueP99MillisWithPairing", pairedOn.p99())
          .put("pairingAddsP99Millis", pairedOn.p99() - pairedOff.p99())
          .put("bluePacedSamplesPerCase", blueUnpaired.size() + " / " + bluePaired.size())
          .put("mirroredCopies", mirrors[0])
          .put("mirrorsDropped", mirrors[1])
          .put("seconds", seconds)
          .note("policy: judge defaults (confidence " + policy.confidence() + ", pass " + policy.passScore()
              + " / marginal " + policy.marginalScore() + ", minimum " + policy.minSamples() + " samples, critical "
              + policy.criticalMetrics() + ", latency tolerance " + policy.latencyTolerance() + ")")
          .note("caught = FAIL (rollback) or MARGINAL (paused for a human); worse = blue's training stopped after "
              + worse.rounds() + " rounds; traffic = validation rows at random, " + options.threads()
              + " client threads, weighted split by the router; canary bakes run the paired canary (green's"
              + " requests answered by blue too) and are judged with all metrics (paired*) and, the same window,"
              + " without PREDICTION_PAIRED (worse*/same*: the judge before the paired canary); shadow bakes: blue"
              + " serves 100%, green gets every request mirrored")
          .note("blue path latency: client-side through the router, one client at " + PACED_RATE + " requests/s, "
              + PACED_REQUESTS + " requests with the shadow off then on per run, on the same blue-only endpoint;"
              + " and " + PACED_REQUESTS + " requests to the 90/10 canary endpoint with the paired canary off then"
              + " on, counting only the requests blue served");
    } finally {
      pool.shutdownNow();
      pool.awaitTermination(10, TimeUnit.SECONDS);
    }
    return report;
  }

  /** Fixed seed for the row draws, so two runs of the bench send the same traffic. */
  private static final class DataPreparationSeed {
    static final long SEED = 20261203L;
  }

  /** Blue's training stopped early at the round count whose validation RMSE is nearest the target ratio. */
  private TrainedModel worseModel(BenchData data, Map<String, String> hp, TrainedModel blue, Path home) {
    double target = blue.validationRmse() * options.targetRmseRatio();
    int lo = 1;
    int hi = blue.rounds();
    TrainedModel best = null;
    while (lo <= hi) {
      int mid = (lo + hi) / 2;
      Map<String, String> fewer = new java.util.HashMap<>(hp);
      fewer.put("num_round", String.valueOf(mid));
      fewer.remove("early_stopping_rounds");
      TrainedModel m = XgbTrainer.train(data.good().train(), data.good().validation(), fewer,
          home.resolve("worse-" + mid), r -> { });
      progress.printf("bench judge: %d rounds -> rmse %.4f (target %.4f)%n", mid, m.validationRmse(), target);
      if (best == null || Math.abs(m.validationRmse() - target) < Math.abs(best.validationRmse() - target)) {
        best = m;
      }
      if (m.validationRmse() > target) {
        lo = mid + 1; // too bad: more rounds
      } else {
        hi = mid - 1;
      }
    }
    return best;
  }

  /**
   * Sends one bake's requests; with {@code latencies}, records each client-side latency in ms; with a judge, waits
   * for the bake's mirrored copies to land (if the endpoint has a shadow) and returns the judgement.
   */
  private Judgement bake(PlatformClient client, ExecutorService pool, LocalJudgeActivitiesImpl judge,
      String endpoint, String green, List<byte[]> rows, Random random, JudgePolicy policy, String label,
      List<Double> latencies, JudgePolicy alsoPolicy, List<Judgement> alsoJudged) throws Exception {
    Instant from = Instant.now();
    int[] draws = new int[options.requests()];
    for (int i = 0; i < draws.length; i++) {
      draws[i] = random.nextInt(rows.size());
    }
    AtomicInteger next = new AtomicInteger();
    AtomicInteger bad = new AtomicInteger();
    AtomicInteger greenServed = new AtomicInteger();
    List<Future<?>> workers = new ArrayList<>();
    for (int t = 0; t < options.threads(); t++) {
      workers.add(pool.submit(() -> {
        for (int i = next.getAndIncrement(); i < draws.length; i = next.getAndIncrement()) {
          PlatformClient.Invocation inv = client.invoke(endpoint, null, "text/csv", rows.get(draws[i]));
          if (inv.status() != 200) {
            bad.incrementAndGet();
          }
          if (green.equals(inv.variant())) {
            greenServed.incrementAndGet();
          }
          if (latencies != null) {
            latencies.add(inv.latencyNanos() / 1e6);
          }
        }
      }));
    }
    for (Future<?> f : workers) {
      f.get(5, TimeUnit.MINUTES);
    }
    if (bad.get() > 0) {
      progress.println("bench judge: " + bad.get() + " requests to " + endpoint + " not answered 200");
    }
    if (judge == null) {
      return null;
    }
    if (endpoint.contains("-shadow-")) {
      awaitMirrors(client, endpoint, green, from, draws.length);
    } else {
      awaitPairs(client, endpoint, from, greenServed.get());
    }
    Instant to = Instant.now().plusMillis(1);
    boolean shadow = endpoint.contains("-shadow-");
    Judgement j = judge.judge(new JudgeRequest(endpoint, "v1", green, from, to, label, policy,
        shadow ? Pairing.SHADOW : Pairing.CANARY));
    if (alsoPolicy != null) {
      alsoJudged.add(judge.judge(new JudgeRequest(endpoint, "v1", green, from, to, label, alsoPolicy, Pairing.NONE)));
    }
    return j;
  }

  /** The paired canary's copies land asynchronously: waits (bounded) until every green-served row has its pair. */
  private static void awaitPairs(PlatformClient client, String endpoint, Instant from, int expected)
      throws InterruptedException {
    long deadline = System.nanoTime() + java.time.Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline) {
      var pairs = client.samples(endpoint, null, from.toEpochMilli(), System.currentTimeMillis() + 1).shadowPairs()
          .get("v1");
      if (expected == 0 || (pairs != null && pairs.size() >= expected)) {
        return;
      }
      Thread.sleep(10);
    }
  }

  static final int PACED_REQUESTS = 300;
  static final int PACED_RATE = 200;

  /**
   * One client at a steady {@value #PACED_RATE}/s (not saturating two cores): each request's latency in ms, only of
   * the requests {@code onlyVariant} served when it is given.
   */
  private static void paced(PlatformClient client, String endpoint, List<byte[]> rows, Random random,
      List<Double> latencies, String onlyVariant) throws InterruptedException {
    long interval = 1_000_000_000L / PACED_RATE;
    long next = System.nanoTime();
    for (int i = 0; i < PACED_REQUESTS; i++) {
      long wait = next - System.nanoTime();
      if (wait > 0) {
        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
      }
      next += interval;
      PlatformClient.Invocation inv = client.invoke(endpoint, null, "text/csv",
          rows.get(random.nextInt(rows.size())));
      if (onlyVariant == null || onlyVariant.equals(inv.variant())) {
        latencies.add(inv.latencyNanos() / 1e6);
      }
    }
  }

  /** Mirrors land asynchronously: waits (bounded) until the bake's copies are recorded. */
  private static void awaitMirrors(PlatformClient client, String endpoint, String green, Instant from, int expected)
      throws InterruptedException {
    long deadline = System.nanoTime() + java.time.Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline) {
      var samples = client.samples(endpoint, green, from.toEpochMilli(), System.currentTimeMillis() + 1)
          .variants().get(green);
      if (samples != null && samples.size() >= expected) {
        return;
      }
      Thread.sleep(10);
    }
  }

  private static double caughtRate(List<Judgement> js) {
    return js.isEmpty() ? 0 : (double) js.stream().filter(j -> j.verdict() == Verdict.FAIL
        || j.verdict() == Verdict.MARGINAL).count() / js.size();
  }

  /** One sample count per judgement of both lists that judged {@code metric}: the bench's samples per bake. */
  private static List<Long> sampleCounts(List<Judgement> a, List<Judgement> b, JudgeMetric metric,
      ToLongFunction<MetricJudgement> count) {
    List<Long> out = new ArrayList<>();
    for (List<Judgement> js : List.of(a, b)) {
      for (Judgement j : js) {
        j.metrics().stream().filter(m -> m.metric() == metric).findFirst()
            .ifPresent(m -> out.add(count.applyAsLong(m)));
      }
    }
    return out;
  }

  private static double rate(List<Judgement> js, Verdict v) {
    return js.isEmpty() ? 0 : (double) js.stream().filter(j -> j.verdict() == v).count() / js.size();
  }

  /** Per metric, in how many bakes it failed. */
  private static Map<JudgeMetric, Integer> failures(List<Judgement> js) {
    Map<JudgeMetric, Integer> out = new EnumMap<>(JudgeMetric.class);
    for (Judgement j : js) {
      for (MetricJudgement m : j.metrics()) {
        out.merge(m.metric(), m.verdict() == Verdict.FAIL ? 1 : 0, Integer::sum);
      }
    }
    return out;
  }

  private static String summary(List<Judgement> worse) {
    return String.format("worse caught %d, rolled back %d", worse.stream()
        .filter(j -> j.verdict() == Verdict.FAIL || j.verdict() == Verdict.MARGINAL).count(),
        worse.stream().filter(j -> j.verdict() == Verdict.FAIL).count());
  }
}
