package dev.safedeploy.activities.aws.sagemaker;

import dev.safedeploy.activities.aws.AwsBackendConfig;
import dev.safedeploy.activities.aws.cloudformation.StackDeployer;
import dev.safedeploy.activities.aws.cloudformation.Templates;
import dev.safedeploy.activities.aws.cloudwatch.CanaryAlarms;
import dev.safedeploy.activities.aws.cloudwatch.DriftAlarms;
import dev.safedeploy.activities.aws.traffic.WeightsTraffic;
import dev.safedeploy.workflows.activities.EndpointActivities;
import dev.safedeploy.workflows.activities.Failures;
import dev.safedeploy.workflows.activities.TrafficActivities.TrafficShift;
import dev.safedeploy.workflows.pipeline.ResourceNames;
import io.temporal.failure.ApplicationFailure;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.sagemaker.SageMakerClient;
import software.amazon.awssdk.services.sagemaker.model.DescribeEndpointConfigResponse;
import software.amazon.awssdk.services.sagemaker.model.DescribeEndpointResponse;
import software.amazon.awssdk.services.sagemaker.model.DescribeModelResponse;
import software.amazon.awssdk.services.sagemaker.model.ProductionVariant;
import software.amazon.awssdk.services.sagemaker.model.SageMakerException;
import software.amazon.awssdk.services.sagemaker.model.Tag;

/**
 * Models and endpoints on SageMaker. Models are registered directly (their tags carry model, version and validation
 * RMSE for later quality gates); endpoints are CloudFormation stacks named {@code safedeploy-<endpoint>}: the dev stack
 * per version, one prod stack per model whose parameters describe its (at most two) variants. After every stack change
 * the endpoint is read back and must serve exactly what was asked.
 */
public class AwsEndpointActivitiesImpl implements EndpointActivities {

  private static final Logger log = LoggerFactory.getLogger(AwsEndpointActivitiesImpl.class);
  public static final String TAG_MODEL = "safedeploy:model";
  public static final String TAG_VERSION = "safedeploy:version";
  public static final String TAG_RMSE = "safedeploy:validation-rmse";

  private final SageMakerClient sageMaker;
  private final CloudWatchClient cloudWatch;
  private final StackDeployer stacks;
  private final AwsBackendConfig config;
  private final Endpoints endpoints;

  public AwsEndpointActivitiesImpl(SageMakerClient sageMaker, CloudWatchClient cloudWatch, StackDeployer stacks,
      AwsBackendConfig config) {
    this.sageMaker = sageMaker;
    this.cloudWatch = cloudWatch;
    this.stacks = stacks;
    this.config = config;
    this.endpoints = new Endpoints(sageMaker);
  }

  public static String stackName(String endpointName) {
    return "safedeploy-" + endpointName;
  }

  /** Data capture root; SageMaker writes under {@code <root>/<endpoint>/<variant>/yyyy/mm/dd/hh/}. */
  public String captureRoot() {
    return config.s3Uri("datacapture");
  }

  @Override
  public String createModel(ModelSpec spec) {
    if (describeModel(spec.modelName()).isPresent()) {
      log.info("adopting existing model {}", spec.modelName());
      return spec.modelName();
    }
    try {
      sageMaker.createModel(b -> b.modelName(spec.modelName())
          .executionRoleArn(config.sageMakerRoleArn())
          .primaryContainer(c -> c.image(SageMakerImages.xgboost(config.region(), config.xgboostVersion()))
              .modelDataUrl(spec.artifactUri()))
          .tags(Tag.builder().key(TAG_MODEL).value(spec.model()).build(),
              Tag.builder().key(TAG_VERSION).value(spec.version()).build(),
              Tag.builder().key(TAG_RMSE).value(Double.toString(spec.validationRmse())).build()));
      log.info("created model {} from {}", spec.modelName(), spec.artifactUri());
    } catch (SageMakerException e) {
      if (!SageMakerErrors.isAlreadyExists(e)) {
        throw e;
      }
    }
    return spec.modelName();
  }

  @Override
  public EndpointState deployEndpoint(EndpointSpec spec) {
    if (spec.variants() == null || spec.variants().isEmpty()) {
      throw ApplicationFailure.newNonRetryableFailure("endpoint " + spec.endpointName() + " needs at least one variant",
          Failures.INFRASTRUCTURE_FAILED);
    }
    if (isProd(spec.model(), spec.endpointName())) {
      return deployProd(spec);
    }
    if (spec.variants().size() != 1) {
      throw ApplicationFailure.newNonRetryableFailure("the dev endpoint " + spec.endpointName()
          + " has exactly one variant, asked for " + spec.variants().size(), Failures.INFRASTRUCTURE_FAILED);
    }
    VariantSpec v = spec.variants().get(0);
    Map<String, String> params = new LinkedHashMap<>();
    params.put("ModelName", spec.model());
    params.put("ModelVersion", v.version());
    params.put("SageMakerModelName", v.modelName());
    params.put("EndpointName", spec.endpointName());
    params.put("VariantName", v.variantName());
    params.put("InstanceType", v.instanceType() == null || v.instanceType().isBlank() ? config.devInstanceType()
        : v.instanceType());
    Map<String, String> out = stacks.deploy(stackName(spec.endpointName()), Templates.DEV_ENDPOINT, params,
        Map.of(TAG_MODEL, spec.model(), TAG_VERSION, v.version()));
    return state(endpoints.verify(spec.endpointName(), out.get("EndpointConfigName"), Set.of(v.variantName())));
  }

  @Override
  public ProductionState describeProduction(String model, String endpointName) {
    Optional<DescribeEndpointResponse> d = endpoints.describe(endpointName);
    if (d.isEmpty()) {
      return new ProductionState(endpointName, false, List.of(), null, null, null);
    }
    EndpointState state = state(d.get());
    VariantState live = state.variants().stream().max((a, b) -> Integer.compare(a.weight(), b.weight()))
        .orElse(null);
    Double rmse = null;
    if (live != null && live.modelName() != null) {
      rmse = modelTags(live.modelName()).entrySet().stream().filter(e -> TAG_RMSE.equals(e.getKey()))
          .map(e -> parseDouble(e.getValue())).findFirst().orElse(null);
    }
    return new ProductionState(endpointName, true, state.variants(), live == null ? null : live.version(),
        live == null ? null : live.modelName(), rmse);
  }

  @Override
  public EndpointState addVariant(VariantChange change) {
    ProdStackParameters p = prodParameters(change.model(), change.endpointName());
    VariantSpec v = change.variant();
    if (p.slotOf(v.variantName()).isEmpty()) {
      String slot = p.freeSlot().orElseThrow(() -> ApplicationFailure.newNonRetryableFailure("endpoint "
          + change.endpointName() + " already serves two variants " + p.occupied().stream()
          .map(ProdStackParameters.Slot::variantName).toList() + "; retire one before adding " + v.variantName(),
          Failures.INFRASTRUCTURE_FAILED));
      p.put(new ProdStackParameters.Slot(slot, v.variantName(), v.modelName(), v.weight(),
          Math.max(v.instanceCount(), config.prodInstanceCount()), true));
    } else {
      log.info("variant {} already on {}; adopting it", v.variantName(), change.endpointName());
    }
    // the variants already there keep their live weights (RetainAllVariantProperties); the new one enters with its own
    return applyProd(change.model(), change.endpointName(), p);
  }

  @Override
  public EndpointState removeVariant(String endpointName, String variantName) {
    String stack = stackName(endpointName);
    Map<String, String> current = stacks.parameters(stack);
    if (current.isEmpty()) {
      return endpoints.describe(endpointName).map(this::state)
          .orElse(new EndpointState(endpointName, "Absent", List.of()));
    }
    ProdStackParameters p = new ProdStackParameters(current);
    Optional<ProdStackParameters.Slot> slot = p.slotOf(variantName);
    if (slot.isEmpty()) {
      log.info("variant {} is not on {}; nothing to remove", variantName, endpointName);
      return endpoints.describe(endpointName).map(this::state)
          .orElse(new EndpointState(endpointName, "Absent", List.of()));
    }
    if (p.occupied().size() == 1) {
      deleteEndpoint(endpointName);
      return new EndpointState(endpointName, "Deleted", List.of());
    }
    CanaryAlarms.delete(cloudWatch, endpointName, variantName);
    String model = current.get("ModelName");
    prepareRemoval(model, endpointName, p, List.of(slot.get()), "retiring " + variantName);
    p.clear(slot.get().slot());
    for (ProdStackParameters.Slot rest : p.occupied()) {
      // alone now: should a variant enter beside it later, this one is the live one of the pair
      p.put(new ProdStackParameters.Slot(rest.slot(), rest.variantName(), rest.modelName(), 100,
          rest.instanceCount(), rest.autoScaling()));
    }
    return applyProd(model, endpointName, p);
  }

  /**
   * Deletes the endpoint's stacks, alarms and the endpoint. A dev endpoint goes once its version is promoted or rolled
   * back: its SageMaker model goes too unless production serves it (a rolled-back version's model serves nothing
   * any more, and running the version again registers it anew; a promoted one's is production's, deleted by the
   * workflow once no rollback can bring it back).
   */
  @Override
  public void deleteEndpoint(String endpointName) {
    Map<String, String> params = stacks.parameters(stackName(endpointName));
    for (ProdStackParameters.Slot s : new ProdStackParameters(params).occupied()) {
      CanaryAlarms.delete(cloudWatch, endpointName, s.variantName());
    }
    stacks.delete(stackName(endpointName) + "-monitoring");
    DriftAlarms.deleteAll(cloudWatch, endpointName);
    stacks.delete(stackName(endpointName));
    // an endpoint made outside our stacks (or left by a stack deleted with retention) goes too
    if (endpoints.describe(endpointName).isPresent()) {
      try {
        sageMaker.deleteEndpoint(b -> b.endpointName(endpointName));
      } catch (SageMakerException e) {
        if (!SageMakerErrors.isNotFound(e)) {
          throw e;
        }
      }
    }
    String devModel = params.get("SageMakerModelName"); // a dev stack's parameter (the prod stack has slots)
    String model = params.get("ModelName");
    if (devModel != null && !devModel.isBlank() && model != null) {
      deleteModel(new ModelRef(devModel, model, params.get("ModelVersion")));
    }
  }

  /**
   * Deletes the model unless the model's prod endpoint or the version's dev endpoint serves it, by its stack or by its
   * live config (SageMaker itself would let an endpoint's model be deleted, and the endpoint then fails to scale or
   * update).
   */
  @Override
  public ModelDeletion deleteModel(ModelRef ref) {
    var names = new ResourceNames(ref.model(), ref.version());
    for (String endpoint : List.of(names.prodEndpoint(), names.devEndpoint())) {
      if (servedBy(endpoint, ref.modelName())) {
        log.info("keeping model {}: endpoint {} serves it", ref.modelName(), endpoint);
        return new ModelDeletion(ref.modelName(), false, endpoint);
      }
    }
    try {
      sageMaker.deleteModel(b -> b.modelName(ref.modelName()));
      log.info("deleted model {}: no endpoint of {} serves it", ref.modelName(), ref.model());
    } catch (SageMakerException e) {
      if (!SageMakerErrors.isNotFound(e)) {
        throw e;
      }
    }
    return new ModelDeletion(ref.modelName(), true, null);
  }

  /** Whether the endpoint serves {@code modelName}: a slot of its prod stack, its dev stack's model, or its config. */
  private boolean servedBy(String endpointName, String modelName) {
    Map<String, String> params = stacks.parameters(stackName(endpointName));
    if (modelName.equals(params.get("SageMakerModelName")) || new ProdStackParameters(params).occupied().stream()
        .anyMatch(s -> modelName.equals(s.modelName()))) {
      return true;
    }
    Optional<DescribeEndpointResponse> d = endpoints.describe(endpointName);
    if (d.isEmpty()) {
      return false;
    }
    try {
      return sageMaker.describeEndpointConfig(b -> b.endpointConfigName(d.get().endpointConfigName()))
          .productionVariants().stream().anyMatch(v -> modelName.equals(v.modelName()));
    } catch (SageMakerException e) {
      if (SageMakerErrors.isNotFound(e)) {
        return false;
      }
      throw e;
    }
  }

  /**
   * The prod endpoint in the spec's shape: variants already on it keep their slots, the others take free ones; when
   * the endpoint already existed, the spec's weights are then set through UpdateEndpointWeightsAndCapacities (a
   * config update keeps the live ones).
   */
  private EndpointState deployProd(EndpointSpec spec) {
    if (spec.variants().size() > ProdStackParameters.SLOTS.length) {
      throw ApplicationFailure.newNonRetryableFailure("the prod endpoint holds at most two variants, asked for "
          + spec.variants().size(), Failures.INFRASTRUCTURE_FAILED);
    }
    Map<String, Integer> wanted = new LinkedHashMap<>();
    spec.variants().forEach(v -> wanted.put(v.variantName(), v.weight()));
    if (wanted.size() != spec.variants().size() || wanted.values().stream().mapToInt(Integer::intValue).sum() <= 0
        || wanted.values().stream().anyMatch(w -> w < 0)) {
      throw ApplicationFailure.newNonRetryableFailure("endpoint " + spec.endpointName() + ": variants need distinct "
          + "names and weights >= 0 that serve something, got " + wanted, Failures.INFRASTRUCTURE_FAILED);
    }
    boolean existed = endpoints.describe(spec.endpointName()).isPresent();
    ProdStackParameters p = prodParameters(spec.model(), spec.endpointName());
    List<ProdStackParameters.Slot> dropped = p.occupied().stream()
        .filter(s -> !wanted.containsKey(s.variantName())).toList();
    if (existed && !dropped.isEmpty()) {
      prepareRemoval(spec.model(), spec.endpointName(), p, dropped, "deploy");
    }
    dropped.forEach(s -> p.clear(s.slot()));
    for (VariantSpec v : spec.variants()) {
      String slot = p.slotOf(v.variantName()).map(ProdStackParameters.Slot::slot)
          .orElseGet(() -> p.freeSlot().orElseThrow());
      p.put(new ProdStackParameters.Slot(slot, v.variantName(), v.modelName(), v.weight(),
          Math.max(v.instanceCount(), config.prodInstanceCount()), true));
    }
    EndpointState state = applyProd(spec.model(), spec.endpointName(), p);
    int sum = wanted.values().stream().mapToInt(Integer::intValue).sum();
    Map<String, Integer> percents = new LinkedHashMap<>();
    wanted.forEach((v, w) -> percents.put(v, (int) Math.round(100.0 * w / sum)));
    Map<String, Integer> now = new LinkedHashMap<>();
    state.variants().forEach(v -> now.put(v.variantName(), v.weight()));
    if (existed && !now.equals(percents) && percents.values().stream().mapToInt(Integer::intValue).sum() == 100) {
      new WeightsTraffic(sageMaker, config).shift(new TrafficShift(spec.endpointName(), percents, "deploy"));
      return state(endpoints.verify(spec.endpointName(), null, wanted.keySet()));
    }
    return state;
  }

  /**
   * Readies the endpoint for a config update that drops {@code dropped}. SageMaker refuses to remove a variant still
   * registered with Application Auto Scaling, and CloudFormation deletes a scalable target only after updating the
   * endpoint, so the dropped slots are deregistered first, in a stack update of their own (it touches only the scaling
   * resources: no endpoint update). And a config update keeps live weights, so when the variants that stay hold no
   * traffic, it is moved to one of them first: otherwise the endpoint would be left serving nothing.
   */
  private void prepareRemoval(String model, String endpointName, ProdStackParameters p,
      List<ProdStackParameters.Slot> dropped, String reason) {
    Map<String, Integer> live = endpoints.describe(endpointName).map(Endpoints::currentWeightPercents)
        .orElse(Map.of());
    boolean deregister = false;
    for (ProdStackParameters.Slot s : dropped) {
      if (s.autoScaling() && live.containsKey(s.variantName())) {
        p.put(new ProdStackParameters.Slot(s.slot(), s.variantName(), s.modelName(), s.entryWeight(),
            s.instanceCount(), false));
        deregister = true;
      }
    }
    if (deregister) {
      applyProd(model, endpointName, p);
    }
    Map<String, Integer> rest = new LinkedHashMap<>(live);
    dropped.forEach(s -> rest.remove(s.variantName()));
    if (!rest.isEmpty() && rest.values().stream().allMatch(w -> w == 0)) {
      Map<String, Integer> wanted = new LinkedHashMap<>();
      live.keySet().forEach(v -> wanted.put(v, 0));
      wanted.put(rest.keySet().iterator().next(), 100);
      log.info("{} holds all of {}'s traffic; moving it to {} before the config update", dropped, endpointName,
          wanted);
      new WeightsTraffic(sageMaker, config).shift(new TrafficShift(endpointName, wanted, reason));
    }
  }

  private EndpointState applyProd(String model, String endpointName, ProdStackParameters p) {
    Map<String, String> out = stacks.deploy(stackName(endpointName), Templates.PROD_ENDPOINT, p.asMap(),
        Map.of(TAG_MODEL, model));
    Set<String> expected = new HashSet<>();
    p.occupied().forEach(s -> expected.add(s.variantName()));
    return state(endpoints.verify(endpointName, out.get("EndpointConfigName"), expected));
  }

  private ProdStackParameters prodParameters(String model, String endpointName) {
    Map<String, String> current = stacks.parameters(stackName(endpointName));
    if (current.isEmpty()) {
      return ProdStackParameters.initial(model, endpointName, config.endpointInstanceType(), captureRoot());
    }
    return new ProdStackParameters(current);
  }

  private static boolean isProd(String model, String endpointName) {
    return endpointName.equals(new dev.safedeploy.workflows.pipeline.ResourceNames(model, "x").prodEndpoint());
  }

  /** The endpoint as the port describes it: variants with their model, version (from the model's tags) and weight. */
  EndpointState state(DescribeEndpointResponse d) {
    Map<String, String> modelOf = new LinkedHashMap<>();
    try {
      DescribeEndpointConfigResponse c = sageMaker.describeEndpointConfig(b -> b.endpointConfigName(
          d.endpointConfigName()));
      for (ProductionVariant v : c.productionVariants()) {
        modelOf.put(v.variantName(), v.modelName());
      }
    } catch (SageMakerException e) {
      if (!SageMakerErrors.isNotFound(e)) {
        throw e;
      }
    }
    Map<String, Integer> weights = Endpoints.currentWeightPercents(d);
    List<VariantState> variants = new ArrayList<>();
    for (String name : Endpoints.variantNames(d)) {
      String modelName = modelOf.get(name);
      String version = modelName == null ? null : modelTags(modelName).get(TAG_VERSION);
      variants.add(new VariantState(name, modelName, version, weights.getOrDefault(name, 0)));
    }
    return new EndpointState(d.endpointName(), d.endpointStatusAsString(), variants);
  }

  private Map<String, String> modelTags(String modelName) {
    Optional<DescribeModelResponse> m = describeModel(modelName);
    if (m.isEmpty()) {
      return Map.of();
    }
    Map<String, String> tags = new LinkedHashMap<>();
    sageMaker.listTags(b -> b.resourceArn(m.get().modelArn())).tags().forEach(t -> tags.put(t.key(), t.value()));
    return tags;
  }

  private Optional<DescribeModelResponse> describeModel(String name) {
    try {
      return Optional.of(sageMaker.describeModel(b -> b.modelName(name)));
    } catch (SageMakerException e) {
      if (SageMakerErrors.isNotFound(e)) {
        return Optional.empty();
      }
      throw e;
    }
  }

  private static Double parseDouble(String s) {
    try {
      return Double.parseDouble(s);
    } catch (RuntimeException e) {
      return null;
    }
  }
}
