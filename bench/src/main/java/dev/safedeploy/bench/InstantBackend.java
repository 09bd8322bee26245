package dev.safedeploy.bench;

import dev.safedeploy.workflows.activities.AlarmActivities;
import dev.safedeploy.workflows.activities.BaselineActivities;
import dev.safedeploy.workflows.activities.EndpointActivities;
import dev.safedeploy.workflows.activities.HookActivities;
import dev.safedeploy.workflows.activities.MonitoringActivities;
import dev.safedeploy.workflows.activities.NotificationActivities;
import dev.safedeploy.workflows.activities.TemplateActivities;
import dev.safedeploy.workflows.activities.TrafficActivities;
import dev.safedeploy.workflows.activities.TrainingActivities;
import dev.safedeploy.workflows.pipeline.AlarmSignal;
import io.temporal.activity.Activity;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Every port, answered at once from memory, so that a pipeline run's wall time is orchestration only. Keeps just enough
 * state to be truthful (endpoints and their weights, models and their RMSE), and times every call on the JVM's
 * monotonic clock, tagged with the workflow that made it.
 */
public final class InstantBackend implements TemplateActivities, TrainingActivities, BaselineActivities,
    EndpointActivities, TrafficActivities, AlarmActivities, HookActivities, NotificationActivities,
    MonitoringActivities, dev.safedeploy.workflows.judge.JudgeActivities {

  /** One activity execution: which workflow, which method, when it started and ended (System.nanoTime). */
  public record Call(String workflowId, String method, String detail, long startNanos, long endNanos) {
    public double millis() {
      return (endNanos - startNanos) / 1e6;
    }
  }

  private final Map<String, Map<String, Integer>> endpoints = new ConcurrentHashMap<>();
  private final Map<String, String> variantModels = new ConcurrentHashMap<>();
  private final Map<String, Double> modelRmse = new ConcurrentHashMap<>();
  private final ConcurrentLinkedQueue<Call> calls = new ConcurrentLinkedQueue<>();
  private volatile Consumer<Call> listener = c -> {};

  /** Called after every activity call, on the activity's thread. */
  public InstantBackend onCall(Consumer<Call> listener) {
    this.listener = listener;
    return this;
  }

  public List<Call> calls() {
    return new ArrayList<>(calls);
  }

  public List<Call> calls(String workflowId) {
    return calls.stream().filter(c -> c.workflowId().equals(workflowId)).toList();
  }

  public Map<String, Integer> weights(String endpoint) {
    Map<String, Integer> w = endpoints.get(endpoint);
    return w == null ? Map.of() : Map.copyOf(w);
  }

  private <T> T timed(String method, String detail, Supplier<T> body) {
    long start = System.nanoTime();
    T result = body.get();
    Call call = new Call(Activity.getExecutionContext().getInfo().getWorkflowId(), method, detail, start,
        System.nanoTime());
    calls.add(call);
    listener.accept(call);
    return result;
  }

  @Override
  public BuildResult buildTemplates(BuildRequest request) {
    return timed("buildTemplates", request.strategy(),
        () -> new BuildResult(List.of("dev-endpoint.yml", "prod-endpoint.yml"), List.of()));
  }

  @Override
  public TrainingResult train(TrainingRequest request) {
    return timed("train", request.jobName(), () -> new TrainingResult(request.jobName(),
        "file:///bench/" + request.jobName() + "/model.tar.gz", 4.2, 42, 0));
  }

  @Override
  public BaselineResult createBaseline(BaselineRequest request) {
    return timed("createBaseline", request.jobName(), () -> new BaselineResult(request.jobName(),
        "file:///bench/" + request.jobName() + "/statistics.json",
        "file:///bench/" + request.jobName() + "/constraints.json"));
  }

  @Override
  public String createModel(ModelSpec spec) {
    return timed("createModel", spec.modelName(), () -> {
      modelRmse.put(spec.modelName(), spec.validationRmse());
      return spec.modelName();
    });
  }

  @Override
  public EndpointState deployEndpoint(EndpointSpec spec) {
    return timed("deployEndpoint", spec.endpointName(), () -> {
      Map<String, Integer> variants = new LinkedHashMap<>();
      for (VariantSpec v : spec.variants()) {
        variants.put(v.variantName(), v.weight());
        variantModels.put(spec.endpointName() + "/" + v.variantName(), v.modelName());
      }
      endpoints.put(spec.endpointName(), variants);
      return state(spec.endpointName());
    });
  }

  @Override
  public ProductionState describeProduction(String model, String endpointName) {
    return timed("describeProduction", endpointName, () -> {
      Map<String, Integer> variants = endpoints.get(endpointName);
      if (variants == null) {
        return new ProductionState(endpointName, false, List.of(), null, null, null);
      }
      String live = variants.entrySet().stream().max(Map.Entry.comparingByValue()).map(Map.Entry::getKey)
          .orElse(null);
      String liveModel = live == null ? null : variantModels.get(endpointName + "/" + live);
      return new ProductionState(endpointName, true, state(endpointName).variants(), live, liveModel,
          liveModel == null ? null : modelRmse.get(liveModel));
    });
  }

  @Override
  public EndpointState addVariant(VariantChange change) {
    return timed("addVariant", change.endpointName(), () -> {
      endpoints.computeIfAbsent(change.endpointName(), k -> new LinkedHashMap<>())
          .putIfAbsent(change.variant().variantName(), change.variant().weight());
      variantModels.put(change.endpointName() + "/" + change.variant().variantName(), change.variant().modelName());
      return state(change.endpointName());
    });
  }

  @Override
  public EndpointState removeVariant(String endpointName, String variantName) {
    return timed("removeVariant", endpointName, () -> {
      Map<String, Integer> variants = endpoints.get(endpointName);
      if (variants != null) {
        variants.remove(variantName);
        if (variants.isEmpty()) {
          endpoints.remove(endpointName);
        }
      }
      return state(endpointName);
    });
  }

  @Override
  public ModelDeletion deleteModel(ModelRef ref) {
    return timed("deleteModel", ref.modelName(), () -> {
      for (Map.Entry<String, Map<String, Integer>> e : endpoints.entrySet()) {
        for (String variant : e.getValue().keySet()) {
          if (ref.modelName().equals(variantModels.get(e.getKey() + "/" + variant))) {
            return new ModelDeletion(ref.modelName(), false, e.getKey());
          }
        }
      }
      modelRmse.remove(ref.modelName());
      return new ModelDeletion(ref.modelName(), true, null);
    });
  }

  @Override
  public void deleteEndpoint(String endpointName) {
    timed("deleteEndpoint", endpointName, () -> endpoints.remove(endpointName));
  }

  @Override
  public TrafficState shiftTraffic(TrafficShift shift) {
    return timed("shiftTraffic", shift.endpointName(), () -> {
      Map<String, Integer> variants = endpoints.get(shift.endpointName());
      if (variants == null) {
        throw new IllegalStateException("no endpoint " + shift.endpointName());
      }
      variants.putAll(shift.weights());
      return new TrafficState(shift.endpointName(), Map.copyOf(shift.weights()), Instant.now());
    });
  }

  @Override
  public List<String> watchAlarms(AlarmWatch watch) {
    return timed("watchAlarms", watch.endpointName(), () -> watch.alarmNames().isEmpty()
        ? List.of(watch.endpointName() + "-" + watch.greenVariant() + "-5xx") : watch.alarmNames());
  }

  @Override
  public void deleteCanaryAlarms(AlarmWatch watch) {
    timed("deleteCanaryAlarms", watch.endpointName(), () -> null);
  }

  @Override
  public List<String> missingAlarms(List<String> alarmNames) {
    return List.of();
  }

  @Override
  public List<AlarmSignal> pollAlarms(List<String> alarmNames) {
    return timed("pollAlarms", "", List::of);
  }

  @Override
  public void unwatchAlarms(AlarmWatch watch) {
    timed("unwatchAlarms", watch.endpointName(), () -> null);
  }

  @Override
  public HookResult smokeTest(HookRequest request) {
    return timed("smokeTest", request.endpointName(), () -> new HookResult(true, "ok", request.rows(), 0));
  }

  @Override
  public HookResult preTraffic(HookRequest request) {
    return timed("preTraffic", request.endpointName(), () -> new HookResult(true, "ok", request.rows(), 0));
  }

  @Override
  public HookResult postTraffic(HookRequest request) {
    return timed("postTraffic", request.endpointName(), () -> new HookResult(true, "ok", request.rows(), 0));
  }

  @Override
  public void notify(Notification notification) {
    timed("notify", notification.kind().name(), () -> null);
  }

  @Override
  public MonitoringResult enableMonitoring(MonitoringRequest request) {
    return timed("enableMonitoring", request.scheduleName(),
        () -> new MonitoringResult(request.scheduleName(), request.endpointName() + "-drift"));
  }

  @Override
  public MonitoringResult retireMonitoring(RetireRequest request) {
    return timed("retireMonitoring", request.scheduleName(),
        () -> new MonitoringResult(request.restoreScheduleName(), request.endpointName() + "-drift"));
  }

  private EndpointState state(String endpointName) {
    Map<String, Integer> variants = endpoints.getOrDefault(endpointName, Map.of());
    List<VariantState> states = new ArrayList<>();
    variants.forEach((v, w) -> states.add(new VariantState(v, variantModels.get(endpointName + "/" + v), v, w)));
    return new EndpointState(endpointName, variants.isEmpty() ? "Deleted" : "InService", states);
  }

  /** No traffic flows through memory: every judgement is INCONCLUSIVE, as the real judge's would be without samples. */
  @Override
  public dev.safedeploy.workflows.judge.Judgement judge(dev.safedeploy.workflows.judge.JudgeRequest request) {
    return timed("judge", request.step(), () -> dev.safedeploy.workflows.judge.Judgement.inconclusive(request,
        "the instant backend serves no traffic to judge"));
  }

  @Override
  public ShadowState startShadow(ShadowRequest request) {
    return timed("startShadow", request.shadowVariant(), () -> new ShadowState(request.endpoint(),
        request.shadowVariant(), true, null));
  }

  @Override
  public ShadowState stopShadow(ShadowRequest request) {
    return timed("stopShadow", request.shadowVariant(), () -> new ShadowState(request.endpoint(),
        request.shadowVariant(), false, "stopped"));
  }
}
