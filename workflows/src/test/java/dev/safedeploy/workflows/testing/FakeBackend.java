package dev.safedeploy.workflows.testing;

import dev.safedeploy.workflows.activities.AlarmActivities;
import dev.safedeploy.workflows.activities.BaselineActivities;
import dev.safedeploy.workflows.activities.EndpointActivities;
import dev.safedeploy.workflows.activities.HookActivities;
import dev.safedeploy.workflows.activities.MonitoringActivities;
import dev.safedeploy.workflows.activities.NotificationActivities;
import dev.safedeploy.workflows.activities.TemplateActivities;
import dev.safedeploy.workflows.activities.TrafficActivities;
import dev.safedeploy.workflows.activities.TrainingActivities;
import dev.safedeploy.workflows.judge.JudgeActivities;
import dev.safedeploy.workflows.judge.JudgeMetric;
import dev.safedeploy.workflows.judge.JudgeRequest;
import dev.safedeploy.workflows.judge.Judgement;
import dev.safedeploy.workflows.judge.MetricJudgement;
import dev.safedeploy.workflows.judge.Verdict;
import dev.safedeploy.workflows.pipeline.AlarmSignal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * An in-memory backend implementing every port, recording each call as one line, so tests can assert on the exact
 * sequence of activity calls and on the resulting production weights. Scriptable: RMSE, hook results, alarms in ALARM,
 * transient failures per method, and a callback on every call (e.g. to signal the workflow mid-canary).
 */
public class FakeBackend implements TemplateActivities, TrainingActivities, BaselineActivities, EndpointActivities,
    TrafficActivities, AlarmActivities, HookActivities, NotificationActivities, MonitoringActivities,
    JudgeActivities {

  public final List<String> calls = new CopyOnWriteArrayList<>();
  /** endpoint -> variant -> weight percent (insertion ordered). */
  public final Map<String, Map<String, Integer>> endpoints = new ConcurrentHashMap<>();
  /** variant (version) -> model name, per endpoint variants share this map. */
  public final Map<String, String> variantModels = new ConcurrentHashMap<>();
  public final Map<String, Double> modelRmse = new ConcurrentHashMap<>();
  public final Set<String> alarmsInAlarm = ConcurrentHashMap.newKeySet();
  /** Alarm names the backend does not have (every other name exists). */
  public final Set<String> absentAlarms = ConcurrentHashMap.newKeySet();
  public final Map<String, AtomicInteger> transientFailures = new ConcurrentHashMap<>();
  public final Map<String, AtomicInteger> permanentFailures = new ConcurrentHashMap<>();
  /** Models that no longer exist: adding a variant of one fails NotFound, as SageMaker's CreateEndpointConfig does. */
  public final Set<String> missingModels = ConcurrentHashMap.newKeySet();
  /** Models deleted by deleteModel, in order. */
  public final List<String> deletedModels = new CopyOnWriteArrayList<>();
  public final List<Notification> notifications = new CopyOnWriteArrayList<>();
  /** endpoint -> its weights after every change (variant added or removed, traffic shifted), in order. */
  public final Map<String, List<Map<String, Integer>>> weightHistory = new ConcurrentHashMap<>();

  public volatile double trainingRmse = 4.2;
  public volatile HookResult smokeResult = new HookResult(true, "ok", 20, 12);
  public volatile HookResult preTrafficResult = new HookResult(true, "ok", 20, 15);
  public volatile HookResult postTrafficResult = new HookResult(true, "ok", 20, 14);
  public volatile Instant clock = Instant.parse("2026-11-26T12:00:00Z");
  public volatile Consumer<String> onCall = c -> {};
  /** Every judge request, in order (kept apart from {@link #calls}, whose exact sequences older tests assert). */
  public final List<JudgeRequest> judgeRequests = new CopyOnWriteArrayList<>();
  /** What the judge answers; PASS by default. */
  public volatile java.util.function.Function<JudgeRequest, Judgement> judgeAnswer = r -> judged(r, Verdict.PASS);

  /** A judgement of the given verdict on one latency metric, with evidence a test can look for in the reason. */
  public static Judgement judged(JudgeRequest r, Verdict verdict) {
    Verdict metricVerdict = verdict == Verdict.PASS ? Verdict.PASS : Verdict.FAIL;
    MetricJudgement m = new MetricJudgement(JudgeMetric.PREDICTION, 900, 100, "Mann-Whitney U", 3100.0,
        metricVerdict == Verdict.PASS ? 0.41 : 0.0004, 20.1, metricVerdict == Verdict.PASS ? 20.2 : 26.5,
        metricVerdict, "green median answer 26.5 vs blue 20.1, Mann-Whitney U two-sided p=0.0004")
        .withQuantiles(answers(900, 20.1), answers(100, metricVerdict == Verdict.PASS ? 20.2 : 26.5));
    double score = verdict == Verdict.PASS ? 100 : verdict == Verdict.MARGINAL ? 75 : 0;
    return new Judgement(r.step(), r.from(), r.to(), score, verdict, "judge " + verdict + ": score " + (int) score
        + (metricVerdict == Verdict.FAIL ? ": PREDICTION " + m.detail() : ""), List.of(m));
  }

  /** {@code n} answers spread evenly around {@code median} (±10%), a stand-in for a variant's predictions. */
  private static double[] answers(int n, double median) {
    double[] a = new double[n];
    for (int i = 0; i < n; i++) {
      a[i] = median * (0.9 + 0.2 * i / (n - 1));
    }
    return a;
  }

  /** A production endpoint already serving {@code version} at 100%, as a previous run would have left it. */
  public FakeBackend withLive(String model, String version, double rmse) {
    Map<String, Integer> variants = new LinkedHashMap<>();
    variants.put(version, 100);
    endpoints.put(model + "-prod", variants);
    variantModels.put(version, model + "-" + version);
    modelRmse.put(model + "-" + version, rmse);
    return this;
  }

  /** Another variant on the endpoint beside the live one, e.g. left behind at 0% by an earlier run. */
  public FakeBackend withVariant(String endpoint, String version, int weight) {
    endpoints.get(endpoint).put(version, weight);
    variantModels.put(version, endpoint + "-" + version);
    return this;
  }

  /** Fails the next {@code times} calls of {@code method} with a retryable error. */
  public FakeBackend failing(String method, int times) {
    transientFailures.put(method, new AtomicInteger(times));
    return this;
  }

  /** Fails the next {@code times} calls of {@code method} with an error retrying cannot fix (BadData). */
  public FakeBackend failingPermanently(String method, int times) {
    permanentFailures.put(method, new AtomicInteger(times));
    return this;
  }

  private void call(String method, String line) {
    calls.add(line);
    AtomicInteger failures = transientFailures.get(method);
    if (failures != null && failures.getAndDecrement() > 0) {
      throw new IllegalStateException("injected transient failure of " + method);
    }
    AtomicInteger permanent = permanentFailures.get(method);
    if (permanent != null && permanent.getAndDecrement() > 0) {
      throw io.temporal.failure.ApplicationFailure.newNonRetryableFailure("injected permanent failure of " + method,
          dev.safedeploy.workflows.activities.Failures.BAD_DATA);
    }
    onCall.accept(line);
  }

  /** The calls, with runs of identical pollAlarms lines collapsed to "pollAlarms xN". */
  public List<String> collapsedCalls() {
    List<String> out = new ArrayList<>();
    String last = null;
    int run = 0;
    for (String c : calls) {
      if (c.equals(last) && c.startsWith("pollAlarms")) {
        run++;
        out.set(out.size() - 1, c + " x" + run);
      } else {
        last = c;
        run = 1;
        out.add(c);
      }
    }
    return out;
  }

  public Map<String, Integer> weights(String endpoint) {
    Map<String, Integer> w = endpoints.get(endpoint);
    return w == null ? null : Map.copyOf(w);
  }

  @Override
  public BuildResult buildTemplates(BuildRequest request) {
    call("buildTemplates", "buildTemplates " + request.model() + " " + request.version() + " " + request.strategy());
    return new BuildResult(List.of("dev-endpoint.yml", "prod-endpoint.yml"), List.of());
  }

  @Override
  public TrainingResult train(TrainingRequest request) {
    call("train", "train " + request.jobName());
    return new TrainingResult(request.jobName(), "file:///models/" + request.jobName() + "/model.tar.gz",
        trainingRmse, 42, 1000);
  }

  @Override
  public BaselineResult createBaseline(BaselineRequest request) {
    call("createBaseline", "createBaseline " + request.jobName());
    return new BaselineResult(request.jobName(), "file:///baselines/statistics.json",
        "file:///baselines/constraints.json");
  }

  @Override
  public String createModel(ModelSpec spec) {
    call("createModel", "createModel " + spec.modelName());
    modelRmse.put(spec.modelName(), spec.validationRmse());
    return spec.modelName();
  }

  @Override
  public EndpointState deployEndpoint(EndpointSpec spec) {
    StringBuilder line = new StringBuilder("deployEndpoint " + spec.endpointName());
    Map<String, Integer> variants = new LinkedHashMap<>();
    for (VariantSpec v : spec.variants()) {
      variants.put(v.variantName(), v.weight());
      variantModels.put(v.variantName(), v.modelName());
      line.append(' ').append(v.variantName());
    }
    call("deployEndpoint", line.toString());
    endpoints.put(spec.endpointName(), variants);
    changed(spec.endpointName());
    return state(spec.endpointName());
  }

  @Override
  public ProductionState describeProduction(String model, String endpointName) {
    call("describeProduction", "describeProduction " + endpointName);
    Map<String, Integer> variants = endpoints.get(endpointName);
    if (variants == null) {
      return new ProductionState(endpointName, false, List.of(), null, null, null);
    }
    String live = variants.entrySet().stream().max(Map.Entry.comparingByValue()).map(Map.Entry::getKey)
        .orElse(null);
    String liveModel = live == null ? null : variantModels.get(live);
    return new ProductionState(endpointName, true, state(endpointName).variants(), live, liveModel,
        liveModel == null ? null : modelRmse.get(liveModel));
  }

  @Override
  public EndpointState addVariant(VariantChange change) {
    call("addVariant", "addVariant " + change.endpointName() + " " + change.variant().variantName() + "="
        + change.variant().weight());
    if (missingModels.contains(change.variant().modelName())) {
      throw io.temporal.failure.ApplicationFailure.newNonRetryableFailure("model " + change.variant().modelName()
          + " does not exist", dev.safedeploy.workflows.activities.Failures.NOT_FOUND);
    }
    endpoints.computeIfAbsent(change.endpointName(), k -> new LinkedHashMap<>())
        .putIfAbsent(change.variant().variantName(), change.variant().weight());
    variantModels.put(change.variant().variantName(), change.variant().modelName());
    changed(change.endpointName());
    return state(change.endpointName());
  }

  @Override
  public EndpointState removeVariant(String endpointName, String variantName) {
    call("removeVariant", "removeVariant " + endpointName + " " + variantName);
    Map<String, Integer> variants = endpoints.get(endpointName);
    if (variants != null) {
      variants.remove(variantName);
      if (variants.isEmpty()) {
        endpoints.remove(endpointName);
      }
    }
    changed(endpointName);
    return state(endpointName);
  }

  @Override
  public void deleteEndpoint(String endpointName) {
    call("deleteEndpoint", "deleteEndpoint " + endpointName);
    endpoints.remove(endpointName);
  }

  /** Like the adapters: kept while any endpoint's variant serves the model; an unknown or deleted model is gone. */
  @Override
  public ModelDeletion deleteModel(ModelRef ref) {
    call("deleteModel", "deleteModel " + ref.modelName());
    for (Map.Entry<String, Map<String, Integer>> e : endpoints.entrySet()) {
      if (e.getValue().keySet().stream().anyMatch(v -> ref.modelName().equals(variantModels.get(v)))) {
        return new ModelDeletion(ref.modelName(), false, e.getKey());
      }
    }
    if (modelRmse.remove(ref.modelName()) != null) {
      deletedModels.add(ref.modelName());
    }
    return new ModelDeletion(ref.modelName(), true, null);
  }

  @Override
  public TrafficState shiftTraffic(TrafficShift shift) {
    call("shiftTraffic", "shiftTraffic " + shift.endpointName() + " " + shift.weights());
    Map<String, Integer> variants = endpoints.get(shift.endpointName());
    if (variants == null) {
      throw new IllegalStateException("no endpoint " + shift.endpointName());
    }
    // Like the adapters: a shift moves the whole set, so it names every variant and adds up to 100.
    if (!shift.weights().keySet().equals(variants.keySet())
        || shift.weights().values().stream().mapToInt(Integer::intValue).sum() != 100) {
      throw io.temporal.failure.ApplicationFailure.newNonRetryableFailure("traffic shift " + shift.weights()
          + " does not name exactly the variants " + variants.keySet() + " or does not add up to 100",
          dev.safedeploy.workflows.activities.Failures.BAD_DATA);
    }
    variants.putAll(shift.weights());
    changed(shift.endpointName());
    return new TrafficState(shift.endpointName(), Map.copyOf(shift.weights()), clock);
  }

  @Override
  public List<String> watchAlarms(AlarmWatch watch) {
    call("watchAlarms", "watchAlarms " + watch.greenVariant() + " " + watch.alarmNames());
    return watch.alarmNames().isEmpty()
        ? List.of(watch.endpointName() + "-" + watch.greenVariant() + "-5xx")
        : watch.alarmNames();
  }

  @Override
  public void deleteCanaryAlarms(AlarmWatch watch) {
    call("deleteCanaryAlarms", "deleteCanaryAlarms " + watch.greenVariant());
  }

  @Override
  public List<String> missingAlarms(List<String> alarmNames) {
    call("missingAlarms", "missingAlarms " + alarmNames);
    return alarmNames.stream().filter(absentAlarms::contains).toList();
  }

  @Override
  public List<AlarmSignal> pollAlarms(List<String> alarmNames) {
    call("pollAlarms", "pollAlarms");
    List<AlarmSignal> out = new ArrayList<>();
    for (String name : alarmNames) {
      if (alarmsInAlarm.contains(name)) {
        out.add(new AlarmSignal(name, "ALARM", "threshold crossed", clock));
      }
    }
    return out;
  }

  @Override
  public void unwatchAlarms(AlarmWatch watch) {
    call("unwatchAlarms", "unwatchAlarms " + watch.greenVariant());
  }

  @Override
  public HookResult smokeTest(HookRequest request) {
    call("smokeTest", "smokeTest " + request.endpointName());
    return smokeResult;
  }

  @Override
  public HookResult preTraffic(HookRequest request) {
    call("preTraffic", "preTraffic " + request.endpointName() + " " + request.variantName());
    return preTrafficResult;
  }

  @Override
  public HookResult postTraffic(HookRequest request) {
    call("postTraffic", "postTraffic " + request.endpointName());
    return postTrafficResult;
  }

  @Override
  public void notify(Notification notification) {
    notifications.add(notification);
    call("notify", "notify " + notification.kind());
  }

  @Override
  public MonitoringResult enableMonitoring(MonitoringRequest request) {
    call("enableMonitoring", "enableMonitoring " + request.scheduleName());
    return new MonitoringResult(request.scheduleName(), request.endpointName() + "-drift");
  }

  @Override
  public MonitoringResult retireMonitoring(RetireRequest request) {
    call("retireMonitoring", "retireMonitoring " + request.scheduleName() + " restore "
        + request.restoreScheduleName());
    return new MonitoringResult(request.restoreScheduleName(), request.endpointName() + "-drift");
  }

  @Override
  public Judgement judge(JudgeRequest request) {
    judgeRequests.add(request);
    return judgeAnswer.apply(request);
  }

  /** endpoint -> the variant its traffic is mirrored to now. */
  public final Map<String, String> shadows = new ConcurrentHashMap<>();
  /** Whether this backend can mirror (false: it answers as the AWS backend does today). */
  public volatile boolean canShadow = true;

  @Override
  public ShadowState startShadow(ShadowRequest request) {
    call("startShadow", "startShadow " + request.endpoint() + " " + request.shadowVariant()
        + (request.pairsOnly() ? " pairs only" : ""));
    if (!canShadow) {
      return new ShadowState(request.endpoint(), request.shadowVariant(), false, "this backend cannot mirror");
    }
    shadows.put(request.endpoint(), request.shadowVariant());
    return new ShadowState(request.endpoint(), request.shadowVariant(), true, null);
  }

  @Override
  public ShadowState stopShadow(ShadowRequest request) {
    call("stopShadow", "stopShadow " + request.endpoint());
    shadows.remove(request.endpoint());
    return new ShadowState(request.endpoint(), request.shadowVariant(), false, "stopped");
  }

  private void changed(String endpointName) {
    Map<String, Integer> now = endpoints.get(endpointName);
    weightHistory.computeIfAbsent(endpointName, k -> new CopyOnWriteArrayList<>())
        .add(now == null ? Map.of() : Map.copyOf(now));
  }

  private EndpointState state(String endpointName) {
    Map<String, Integer> variants = endpoints.getOrDefault(endpointName, Map.of());
    List<VariantState> states = new ArrayList<>();
    variants.forEach((v, w) -> states.add(new VariantState(v, variantModels.get(v), v, w)));
    return new EndpointState(endpointName, variants.isEmpty() ? "Deleted" : "InService", states);
  }
}
