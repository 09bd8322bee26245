package dev.safedeploy.activities.aws;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.SdkResponse;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.cloudformation.model.CreateStackRequest;
import software.amazon.awssdk.services.cloudformation.model.DeleteStackRequest;
import software.amazon.awssdk.services.cloudformation.model.DescribeStacksResponse;
import software.amazon.awssdk.services.cloudformation.model.Parameter;
import software.amazon.awssdk.services.cloudformation.model.Stack;
import software.amazon.awssdk.services.cloudformation.model.UpdateStackRequest;
import software.amazon.awssdk.services.cloudwatch.model.Dimension;
import software.amazon.awssdk.services.cloudwatch.model.PutMetricAlarmRequest;
import software.amazon.awssdk.services.sagemaker.model.CapacitySizeType;
import software.amazon.awssdk.services.sagemaker.model.CreateEndpointConfigRequest;
import software.amazon.awssdk.services.sagemaker.model.DescribeEndpointConfigResponse;
import software.amazon.awssdk.services.sagemaker.model.DescribeEndpointResponse;
import software.amazon.awssdk.services.sagemaker.model.DesiredWeightAndCapacity;
import software.amazon.awssdk.services.sagemaker.model.ProductionVariant;
import software.amazon.awssdk.services.sagemaker.model.ProductionVariantSummary;
import software.amazon.awssdk.services.sagemaker.model.TrafficRoutingConfig;
import software.amazon.awssdk.services.sagemaker.model.UpdateEndpointRequest;
import software.amazon.awssdk.services.sagemaker.model.UpdateEndpointWeightsAndCapacitiesRequest;

/**
 * The conformance layer moto lacks: checks every request of the AWS tests against the documented rules that matter to
 * safedeploy, and refuses a violating request before it is sent (the call fails with {@link Violation}, so the
 * test fails even when the adapter would swallow an error). What it has seen of endpoints and configs (from requests
 * and from Describe answers) is its only state; a rule it cannot check for lack of state is skipped, never guessed.
 * Lifecycle hook status calls are sent only by the hook Lambdas: their rule is {@code HookStatusConformance}, on the
 * lambdas module's test clients.
 *
 * <ul>
 *   <li>UpdateEndpointWeightsAndCapacities: weights ≥ 0 that do not sum to 0, every variant of the endpoint named
 *       (safedeploy's own rule: a shift states the whole split).</li>
 *   <li>UpdateEndpoint with a blue/green deployment config: the new config keeps the endpoint's variant names
 *       (SageMaker: "the variant names must be the same"), and a canary is at most 50% of the fleet.</li>
 *   <li>PutMetricAlarm on AWS/SageMaker per-variant metrics: both EndpointName and VariantName dimensions (SageMaker
 *       publishes them only with both; an alarm on another dimension set stays INSUFFICIENT_DATA forever). Whether
 *       the variant exists is not checked: canary alarms are armed before the green variant is created.</li>
 *   <li>PutMetricAlarm on Model Monitor's data metrics: a feature_* metric with the Endpoint and MonitoringSchedule
 *       dimensions it is published with.</li>
 *   <li>CreateEndpointConfig with ShadowProductionVariants: exactly one production and one shadow variant, with
 *       different names.</li>
 *   <li>Autoscaling (SageMaker, "Update endpoints that use auto scaling"): an endpoint update may not remove a
 *       variant registered with Application Auto Scaling, nor change the instance type of one, until it is
 *       deregistered. The prod stack registers a slot's variant while its {@code Variant<S>AutoScaling} parameter is
 *       true; so an UpdateStack of that template (CloudFormation updates the endpoint first and deletes a scalable
 *       target only in its cleanup phase, so turning autoscaling off in the same update is too late), and an
 *       UpdateEndpoint whose config drops a variant still registered by its stack, are refused.</li>
 * </ul>
 */
public final class AwsConformance implements ExecutionInterceptor {

  /** A request real AWS would refuse, or that would never do what safedeploy means by it. */
  public static final class Violation extends RuntimeException {
    Violation(String message) {
      super("AWS conformance: " + message);
    }
  }

  private static final Set<String> PER_VARIANT_METRICS = Set.of("Invocations", "Invocation4XXErrors",
      "Invocation5XXErrors", "InvocationModelErrors", "ModelLatency", "OverheadLatency");

  private final Map<String, List<String>> endpointVariants = new ConcurrentHashMap<>();
  private final Map<String, List<String>> configVariants = new ConcurrentHashMap<>();
  public final List<String> violations = new CopyOnWriteArrayList<>();
  /** Every request the clients sent (or tried to), in order, for tests that assert what an adapter asks for. */
  public final List<SdkRequest> requests = new CopyOnWriteArrayList<>();
  private final Map<String, List<String>> configHistory = new ConcurrentHashMap<>();
  /** Parameters of the stacks made from the prod template, by stack name, as last sent or described. */
  private final Map<String, Map<String, String>> prodStacks = new ConcurrentHashMap<>();
  private static final String[] SLOTS = {"A", "B"};

  @Override
  public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
    SdkRequest r = context.request();
    requests.add(r);
    String problem = null;
    if (r instanceof UpdateEndpointWeightsAndCapacitiesRequest u) {
      problem = weights(u);
    } else if (r instanceof UpdateEndpointRequest u) {
      problem = blueGreen(u);
      if (problem == null) {
        problem = autoscaledEndpointUpdate(u);
      }
    } else if (r instanceof CreateEndpointConfigRequest c) {
      problem = shadow(c);
      configVariants.put(c.endpointConfigName(), c.productionVariants().stream()
          .map(ProductionVariant::variantName).toList());
    } else if (r instanceof PutMetricAlarmRequest a) {
      problem = alarm(a);
    } else if (r instanceof CreateStackRequest c) {
      remember(c.stackName(), parameters(c.parameters()));
    } else if (r instanceof UpdateStackRequest u) {
      Map<String, String> next = parameters(u.parameters());
      Map<String, String> before = prodStacks.get(u.stackName());
      if (before != null && isProdTemplate(next)) {
        problem = autoscaledStackUpdate(u.stackName(), before, next);
      }
      if (problem == null) {
        remember(u.stackName(), next);
      }
    } else if (r instanceof DeleteStackRequest d) {
      prodStacks.remove(d.stackName());
    }
    if (problem != null) {
      violations.add(problem);
      throw new Violation(problem);
    }
  }

  @Override
  public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
    SdkResponse r = context.response();
    if (r instanceof DescribeEndpointResponse d && d.hasProductionVariants()) {
      endpointVariants.put(d.endpointName(), d.productionVariants().stream()
          .map(ProductionVariantSummary::variantName).toList());
      List<String> seen = configHistory.computeIfAbsent(d.endpointName(), k -> new CopyOnWriteArrayList<>());
      if (seen.isEmpty() || !seen.get(seen.size() - 1).equals(d.endpointConfigName())) {
        seen.add(d.endpointConfigName());
      }
    } else if (r instanceof DescribeEndpointConfigResponse c) {
      configVariants.put(c.endpointConfigName(), c.productionVariants().stream()
          .map(ProductionVariant::variantName).toList());
    } else if (r instanceof DescribeStacksResponse d && d.hasStacks()) {
      for (Stack s : d.stacks()) {
        if (s.hasParameters() && !String.valueOf(s.stackStatusAsString()).startsWith("DELETE")) {
          remember(s.stackName(), parameters(s.parameters()));
        }
      }
    }
  }

  private static Map<String, String> parameters(List<Parameter> params) {
    Map<String, String> out = new java.util.HashMap<>();
    params.forEach(p -> out.put(p.parameterKey(), p.parameterValue() == null ? "" : p.parameterValue()));
    return out;
  }

  private static boolean isProdTemplate(Map<String, String> params) {
    return params.containsKey("VariantAAutoScaling") && params.containsKey("EndpointName");
  }

  private void remember(String stack, Map<String, String> params) {
    if (isProdTemplate(params)) {
      prodStacks.put(stack, Map.copyOf(params));
    }
  }

  private static Set<String> variants(Map<String, String> params) {
    Set<String> out = new TreeSet<>();
    for (String s : SLOTS) {
      String name = params.getOrDefault("Variant" + s + "Name", "");
      if (!name.isEmpty()) {
        out.add(name);
      }
    }
    return out;
  }

  /** The variants the stack has registered with Application Auto Scaling (a slot in use, autoscaling on). */
  private static Set<String> registered(Map<String, String> params) {
    Set<String> out = new TreeSet<>();
    for (String s : SLOTS) {
      String name = params.getOrDefault("Variant" + s + "Name", "");
      if (!name.isEmpty() && !"false".equals(params.get("Variant" + s + "AutoScaling"))) {
        out.add(name);
      }
    }
    return out;
  }

  private static String autoscaledStackUpdate(String stack, Map<String, String> before, Map<String, String> next) {
    Set<String> registered = registered(before);
    Set<String> kept = variants(next);
    for (String v : registered) {
      if (!kept.contains(v)) {
        return "stack update of " + stack + " removes variant " + v + " from " + before.get("EndpointName")
            + " while it is registered with Application Auto Scaling; SageMaker refuses the endpoint update: "
            + "deregister it first, in an update of its own (CloudFormation deletes a scalable target only after "
            + "updating the endpoint)";
      }
    }
    String typeBefore = before.getOrDefault("InstanceType", "");
    String typeNext = next.getOrDefault("InstanceType", typeBefore);
    if (!typeBefore.equals(typeNext) && registered.stream().anyMatch(kept::contains)) {
      return "stack update of " + stack + " changes the instance type " + typeBefore + " -> " + typeNext
          + " of variants registered with Application Auto Scaling " + registered + "; deregister them first";
    }
    return null;
  }

  /** An UpdateEndpoint may not drop a variant its prod stack still has registered with Application Auto Scaling. */
  private String autoscaledEndpointUpdate(UpdateEndpointRequest u) {
    List<String> now = endpointVariants.get(u.endpointName());
    List<String> next = configVariants.get(u.endpointConfigName());
    if (now == null || next == null) {
      return null;
    }
    for (Map<String, String> params : prodStacks.values()) {
      if (!u.endpointName().equals(params.get("EndpointName"))) {
        continue;
      }
      for (String v : registered(params)) {
        if (now.contains(v) && !next.contains(v)) {
          return "UpdateEndpoint of " + u.endpointName() + " to " + u.endpointConfigName() + " removes variant " + v
              + ", still registered with Application Auto Scaling; SageMaker refuses it: deregister it first";
        }
      }
    }
    return null;
  }

  /**
   * The endpoint configs DescribeEndpoint answers showed the endpoint on, in order, each change once: every new entry
   * is one endpoint update (a redeploy of its instances on real SageMaker).
   */
  public List<String> configsSeen(String endpointName) {
    return List.copyOf(configHistory.getOrDefault(endpointName, List.of()));
  }

  /** The requests of one type sent so far. */
  public <T extends SdkRequest> List<T> requestsOf(Class<T> type) {
    return requests.stream().filter(type::isInstance).map(type::cast).toList();
  }

  private String weights(UpdateEndpointWeightsAndCapacitiesRequest u) {
    double sum = 0;
    List<String> named = new ArrayList<>();
    for (DesiredWeightAndCapacity w : u.desiredWeightsAndCapacities()) {
      if (w.desiredWeight() != null) {
        if (w.desiredWeight() < 0) {
          return "negative weight " + w.desiredWeight() + " for " + w.variantName();
        }
        sum += w.desiredWeight();
      }
      named.add(w.variantName());
    }
    if (sum <= 0) {
      return "weights of " + u.endpointName() + " sum to 0: the endpoint would serve nothing";
    }
    List<String> known = endpointVariants.get(u.endpointName());
    if (known != null && !new TreeSet<>(named).equals(new TreeSet<>(known))) {
      return "a traffic shift on " + u.endpointName() + " names " + new TreeSet<>(named) + " but the endpoint has "
          + new TreeSet<>(known);
    }
    return null;
  }

  /** SageMaker: a config with shadow variants has exactly one production and one shadow variant, named apart. */
  private static String shadow(CreateEndpointConfigRequest c) {
    if (!c.hasShadowProductionVariants() || c.shadowProductionVariants().isEmpty()) {
      return null;
    }
    if (c.productionVariants().size() != 1 || c.shadowProductionVariants().size() != 1) {
      return "endpoint config " + c.endpointConfigName() + " with shadow variants needs exactly one production and one"
          + " shadow variant, got " + c.productionVariants().size() + " and " + c.shadowProductionVariants().size();
    }
    if (c.productionVariants().get(0).variantName().equals(c.shadowProductionVariants().get(0).variantName())) {
      return "endpoint config " + c.endpointConfigName() + ": the shadow variant's name must differ from the"
          + " production variant's";
    }
    return null;
  }

  private String blueGreen(UpdateEndpointRequest u) {
    if (u.deploymentConfig() == null || u.deploymentConfig().blueGreenUpdatePolicy() == null) {
      return null;
    }
    TrafficRoutingConfig t = u.deploymentConfig().blueGreenUpdatePolicy().trafficRoutingConfiguration();
    if (t != null && t.canarySize() != null) {
      if (t.canarySize().type() == CapacitySizeType.CAPACITY_PERCENT && t.canarySize().value() > 50) {
        return "canary of " + t.canarySize().value() + "% on " + u.endpointName() + ": at most 50% of the fleet";
      }
    }
    List<String> now = endpointVariants.get(u.endpointName());
    List<String> next = configVariants.get(u.endpointConfigName());
    if (now != null && next != null && !new TreeSet<>(now).equals(new TreeSet<>(next))) {
      return "blue/green update of " + u.endpointName() + " to " + u.endpointConfigName() + " changes the variant "
          + "names " + new TreeSet<>(now) + " -> " + new TreeSet<>(next) + "; they must stay the same";
    }
    return null;
  }

  private String alarm(PutMetricAlarmRequest a) {
    if ("aws/sagemaker/Endpoints/data-metrics".equals(a.namespace())) {
      // Model Monitor's data-quality metrics: per feature, with exactly these two dimensions
      if (!a.metricName().startsWith("feature_")) {
        return "alarm " + a.alarmName() + " on " + a.metricName() + ": Model Monitor publishes feature_<stat>_<name>";
      }
      java.util.Set<String> dims = new TreeSet<>();
      a.dimensions().forEach(d -> dims.add(d.name()));
      if (!dims.equals(new TreeSet<>(List.of("Endpoint", "MonitoringSchedule")))) {
        return "alarm " + a.alarmName() + " on " + a.metricName() + " has dimensions " + dims + "; Model Monitor "
            + "publishes them with Endpoint and MonitoringSchedule";
      }
      return null;
    }
    if (a.hasMetrics()) {
      // metric math: every per-variant SageMaker metric it reads needs both dimensions too
      for (var q : a.metrics()) {
        if (q.metricStat() != null && "AWS/SageMaker".equals(q.metricStat().metric().namespace())
            && PER_VARIANT_METRICS.contains(q.metricStat().metric().metricName())
            && (dimension(q.metricStat().metric().dimensions(), "EndpointName") == null
                || dimension(q.metricStat().metric().dimensions(), "VariantName") == null)) {
          return "alarm " + a.alarmName() + " reads " + q.metricStat().metric().metricName()
              + " without EndpointName and VariantName dimensions";
        }
      }
      return null;
    }
    if (!"AWS/SageMaker".equals(a.namespace()) || !PER_VARIANT_METRICS.contains(a.metricName())) {
      return null;
    }
    String endpoint = dimension(a.dimensions(), "EndpointName");
    String variant = dimension(a.dimensions(), "VariantName");
    if (endpoint == null || variant == null) {
      return "alarm " + a.alarmName() + " on " + a.metricName() + " needs EndpointName and VariantName dimensions";
    }
    return null;
  }

  private static String dimension(List<Dimension> dims, String name) {
    return dims.stream().filter(d -> name.equals(d.name())).map(Dimension::value).findFirst().orElse(null);
  }
}
