package dev.safedeploy.activities.aws.judge;

import dev.safedeploy.activities.aws.AwsBackendConfig;
import dev.safedeploy.activities.aws.cloudformation.StackDeployer;
import dev.safedeploy.activities.aws.cloudformation.Templates;
import dev.safedeploy.activities.aws.sagemaker.AwsEndpointActivitiesImpl;
import dev.safedeploy.activities.aws.sagemaker.Endpoints;
import dev.safedeploy.activities.aws.sagemaker.ProdStackParameters;
import dev.safedeploy.activities.aws.sagemaker.SageMakerErrors;
import dev.safedeploy.workflows.activities.Failures;
import dev.safedeploy.workflows.judge.JudgeActivities.ShadowRequest;
import dev.safedeploy.workflows.judge.JudgeActivities.ShadowState;
import io.temporal.failure.ApplicationFailure;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.cloudformation.model.Output;
import software.amazon.awssdk.services.sagemaker.SageMakerClient;
import software.amazon.awssdk.services.sagemaker.model.DescribeEndpointConfigResponse;
import software.amazon.awssdk.services.sagemaker.model.DescribeEndpointResponse;
import software.amazon.awssdk.services.sagemaker.model.ProductionVariant;
import software.amazon.awssdk.services.sagemaker.model.SageMakerException;
import software.amazon.awssdk.services.sagemaker.model.Tag;

/**
 * Green as a SageMaker shadow variant. A config with ShadowProductionVariants holds exactly one production variant
 * (SageMaker's rule), so the shadow config is the endpoint's own config with green moved from the production variants
 * (where it serves weight 0 before its first traffic step) to the shadow ones, under the same name: its captures and
 * CloudWatch metrics keep green's variant name. The config is named after the endpoint, its base config and green
 * (created or adopted), tagged with the base config, and the endpoint is moved onto it with UpdateEndpoint (keeping
 * the live weights); stopping moves the endpoint back to the prod stack's config (or the tagged base) and deletes the
 * shadow config. SageMaker refuses to remove a variant registered with Application Auto Scaling, so green's slot in
 * the prod stack is deregistered (VariantXAutoScaling=false, which changes no endpoint config) for the shadow and
 * registered again after it. Where ShadowProductionVariants is refused or not kept (regions without shadow
 * variants, moto), nothing changes and the state says so: the pipeline then skips the shadow step.
 */
final class ShadowVariants {
  private static final Logger log = LoggerFactory.getLogger(ShadowVariants.class);
  static final String TAG_BASE = "safedeploy:shadow-base-config";

  private final SageMakerClient sageMaker;
  private final StackDeployer stacks;
  private final AwsBackendConfig config;
  private final Endpoints endpoints;

  ShadowVariants(SageMakerClient sageMaker, StackDeployer stacks, AwsBackendConfig config) {
    this.sageMaker = sageMaker;
    this.stacks = stacks;
    this.config = config;
    this.endpoints = new Endpoints(sageMaker);
  }

  /** The shadow config's name: deterministic in endpoint, base config and shadow variant, at most 63 characters. */
  static String configName(String endpoint, String baseConfig, String variant) {
    String head = endpoint.length() > 40 ? endpoint.substring(0, 40) : endpoint;
    return head + "-shadow-" + hash(baseConfig + "\n" + variant);
  }

  ShadowState start(ShadowRequest request) {
    String name = request.endpoint();
    String green = request.shadowVariant();
    DescribeEndpointResponse d = endpoints.waitInService(name, config);
    DescribeEndpointConfigResponse current = describeConfig(d.endpointConfigName()).orElseThrow(() ->
        ApplicationFailure.newNonRetryableFailure("endpoint " + name + " runs config " + d.endpointConfigName()
            + ", which does not exist", Failures.STATE_MISMATCH));
    if (current.shadowProductionVariants().stream().anyMatch(v -> v.variantName().equals(green))) {
      log.info("{} already mirrors to {} (config {})", name, green, current.endpointConfigName());
      return new ShadowState(name, green, true, null);
    }
    if (current.hasShadowProductionVariants() && !current.shadowProductionVariants().isEmpty()) {
      return notMirroring(request, "endpoint " + name + " already mirrors to "
          + current.shadowProductionVariants().stream().map(ProductionVariant::variantName).toList());
    }
    Optional<ProductionVariant> shadow = current.productionVariants().stream()
        .filter(v -> v.variantName().equals(green)).findFirst();
    List<ProductionVariant> serving = current.productionVariants().stream()
        .filter(v -> !v.variantName().equals(green)).toList();
    if (shadow.isEmpty()) {
      throw ApplicationFailure.newNonRetryableFailure("endpoint " + name + " has no variant " + green + " to shadow"
          + " (it has " + Endpoints.variantNames(d) + ")", Failures.NOT_FOUND);
    }
    if (serving.size() != 1) {
      return notMirroring(request, "a SageMaker shadow variant runs beside exactly one production variant; endpoint "
          + name + " would keep " + serving.stream().map(ProductionVariant::variantName).toList());
    }
    int greenWeight = Endpoints.currentWeightPercents(d).getOrDefault(green, 0);
    if (greenWeight > 0) {
      return notMirroring(request, green + " already serves " + greenWeight + "% of " + name
          + ": a shadow comes before the first traffic step");
    }
    String shadowConfig = configName(name, current.endpointConfigName(), green);
    Optional<DescribeEndpointConfigResponse> made = describeConfig(shadowConfig);
    if (made.isEmpty()) {
      ProductionVariant blue = serving.get(0);
      // the base config's own tags (safedeploy:model: teardown finds the config by it), not CloudFormation's aws:*
      List<Tag> tags = new java.util.ArrayList<>(sageMaker.listTags(b -> b.resourceArn(current.endpointConfigArn()))
          .tags().stream().filter(t -> !t.key().startsWith("aws:")).toList());
      tags.add(Tag.builder().key(TAG_BASE).value(current.endpointConfigName()).build());
      // the shadow gets the production variant's weight: every request is mirrored
      ProductionVariant mirrored = shadow.get().toBuilder().initialVariantWeight(
          blue.initialVariantWeight() == null ? 1f : blue.initialVariantWeight()).build();
      try {
        sageMaker.createEndpointConfig(b -> b.endpointConfigName(shadowConfig)
            .productionVariants(blue)
            .shadowProductionVariants(mirrored)
            .dataCaptureConfig(current.dataCaptureConfig())
            .kmsKeyId(current.kmsKeyId())
            .tags(tags));
        log.info("created shadow config {} for {}: {} serving, {} mirrored", shadowConfig, name,
            blue.variantName(), green);
      } catch (SageMakerException e) {
        if (SageMakerErrors.isAlreadyExists(e)) {
          log.info("shadow config {} appeared meanwhile; adopting it", shadowConfig);
        } else if (mentionsShadow(e)) {
          return notMirroring(request, "SageMaker refused ShadowProductionVariants here: " + message(e));
        } else {
          throw e;
        }
      }
      made = describeConfig(shadowConfig);
    } else {
      log.info("adopting shadow config {} for {}", shadowConfig, name);
    }
    if (made.isEmpty() || !made.get().hasShadowProductionVariants()
        || made.get().shadowProductionVariants().stream().noneMatch(v -> v.variantName().equals(green))) {
      deleteConfig(shadowConfig);
      return notMirroring(request, "SageMaker did not keep the ShadowProductionVariants of endpoint config "
          + shadowConfig + " (shadow variants are not available in " + config.region()
          + (config.endpointOverride() == null ? "" : " on " + config.endpointOverride()) + ")");
    }
    autoScaling(name, green, false);
    try {
      sageMaker.updateEndpoint(b -> b.endpointName(name).endpointConfigName(shadowConfig)
          .retainAllVariantProperties(true));
    } catch (SageMakerException e) {
      if (!mentionsShadow(e)) {
        throw e;
      }
      // refused outright (e.g. an instance type without shadow support): the endpoint never left its config
      autoScaling(name, green, true);
      deleteConfig(shadowConfig);
      return notMirroring(request, "SageMaker refused to move " + name + " onto the shadow config: " + message(e));
    }
    log.info("{}: live traffic mirrored to shadow {} (config {})", name, green, shadowConfig);
    DescribeEndpointResponse after = endpoints.waitInService(name, config);
    if (!shadowConfig.equals(after.endpointConfigName())) {
      throw ApplicationFailure.newNonRetryableFailure("endpoint " + name + " runs " + after.endpointConfigName()
          + " after moving to the shadow config " + shadowConfig + " (SageMaker rolled the update back"
          + (after.failureReason() == null ? ")" : ": " + after.failureReason() + ")"), Failures.STATE_MISMATCH);
    }
    return new ShadowState(name, green, true, null);
  }

  ShadowState stop(ShadowRequest request) {
    String name = request.endpoint();
    String green = request.shadowVariant();
    if (endpoints.describe(name).isEmpty()) {
      return new ShadowState(name, green, false, "endpoint " + name + " is gone, and its shadow with it");
    }
    DescribeEndpointResponse d = endpoints.waitInService(name, config);
    Optional<DescribeEndpointConfigResponse> current = describeConfig(d.endpointConfigName());
    boolean shadowing = current.isPresent() && current.get().hasShadowProductionVariants()
        && current.get().shadowProductionVariants().stream().anyMatch(v -> v.variantName().equals(green));
    if (!shadowing) {
      // an earlier attempt may have moved the endpoint back and stopped before registering green's scaling again
      if (Endpoints.variantNames(d).contains(green)) {
        autoScaling(name, green, true);
      }
      return new ShadowState(name, green, false, "not mirroring");
    }
    String shadowConfig = current.get().endpointConfigName();
    String base = stackConfig(name).orElseGet(() -> tag(current.get(), TAG_BASE).orElseThrow(() ->
        ApplicationFailure.newNonRetryableFailure("endpoint " + name + " mirrors to " + green + " on config "
            + shadowConfig + ", but neither a prod stack nor the config's " + TAG_BASE + " tag says which config"
            + " to go back to", Failures.STATE_MISMATCH)));
    sageMaker.updateEndpoint(b -> b.endpointName(name).endpointConfigName(base).retainAllVariantProperties(true));
    DescribeEndpointResponse after = endpoints.waitInService(name, config);
    if (!base.equals(after.endpointConfigName())) {
      throw ApplicationFailure.newNonRetryableFailure("endpoint " + name + " runs " + after.endpointConfigName()
          + " after moving back from the shadow to " + base + (after.failureReason() == null ? ""
          : ": " + after.failureReason()), Failures.STATE_MISMATCH);
    }
    autoScaling(name, green, true);
    deleteConfig(shadowConfig);
    log.info("{}: shadow {} stopped, back on config {}", name, green, base);
    return new ShadowState(name, green, false, "stopped");
  }

  /** Green's slot of the prod stack registered with Application Auto Scaling or not; no prod stack, nothing to do. */
  void autoScaling(String endpoint, String variant, boolean on) {
    String stack = AwsEndpointActivitiesImpl.stackName(endpoint);
    Map<String, String> current = stacks.parameters(stack);
    if (current.isEmpty()) {
      return;
    }
    ProdStackParameters p = new ProdStackParameters(current);
    Optional<ProdStackParameters.Slot> slot = p.slotOf(variant);
    if (slot.isEmpty() || slot.get().autoScaling() == on) {
      return;
    }
    ProdStackParameters.Slot s = slot.get();
    p.put(new ProdStackParameters.Slot(s.slot(), s.variantName(), s.modelName(), s.entryWeight(), s.instanceCount(),
        on));
    log.info("{} of {}: autoscaling {} for the shadow", variant, endpoint, on ? "registered again" : "deregistered");
    stacks.deploy(stack, Templates.PROD_ENDPOINT, p.asMap(),
        Map.of(AwsEndpointActivitiesImpl.TAG_MODEL, current.getOrDefault("ModelName", "")));
  }

  private Optional<String> stackConfig(String endpoint) {
    return stacks.describe(AwsEndpointActivitiesImpl.stackName(endpoint)).flatMap(s -> s.outputs().stream()
        .filter(o -> "EndpointConfigName".equals(o.outputKey())).map(Output::outputValue).findFirst());
  }

  private Optional<String> tag(DescribeEndpointConfigResponse c, String key) {
    return sageMaker.listTags(b -> b.resourceArn(c.endpointConfigArn())).tags().stream()
        .filter(t -> key.equals(t.key())).map(Tag::value).findFirst();
  }

  private Optional<DescribeEndpointConfigResponse> describeConfig(String configName) {
    try {
      return Optional.of(sageMaker.describeEndpointConfig(b -> b.endpointConfigName(configName)));
    } catch (SageMakerException e) {
      if (SageMakerErrors.isNotFound(e)) {
        return Optional.empty();
      }
      throw e;
    }
  }

  private void deleteConfig(String configName) {
    try {
      sageMaker.deleteEndpointConfig(b -> b.endpointConfigName(configName));
    } catch (SageMakerException e) {
      if (!SageMakerErrors.isNotFound(e)) {
        throw e;
      }
    }
  }

  private static ShadowState notMirroring(ShadowRequest request, String why) {
    log.info("no shadow of {} on {}: {}", request.shadowVariant(), request.endpoint(), why);
    return new ShadowState(request.endpoint(), request.shadowVariant(), false, why + ": no shadow step");
  }

  private static boolean mentionsShadow(SageMakerException e) {
    return e.statusCode() == 400 && message(e).toLowerCase(Locale.ROOT).contains("shadow");
  }

  private static String message(SageMakerException e) {
    return e.awsErrorDetails() == null || e.awsErrorDetails().errorMessage() == null ? e.getMessage()
        : e.awsErrorDetails().errorMessage();
  }

  private static String hash(String s) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(d, 0, 6);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
