package dev.safedeploy.activities.aws.traffic;

import dev.safedeploy.activities.aws.AwsBackendConfig;
import dev.safedeploy.activities.aws.AwsPolling;
import dev.safedeploy.activities.aws.AwsPolling.Poll;
import dev.safedeploy.activities.aws.cloudformation.StackDeployer;
import dev.safedeploy.activities.aws.sagemaker.AwsEndpointActivitiesImpl;
import dev.safedeploy.activities.aws.cloudwatch.AlarmNames;
import dev.safedeploy.activities.aws.sagemaker.Endpoints;
import dev.safedeploy.activities.aws.sagemaker.SageMakerErrors;
import dev.safedeploy.workflows.activities.Failures;
import dev.safedeploy.workflows.activities.TrafficActivities.TrafficShift;
import dev.safedeploy.workflows.activities.TrafficActivities.TrafficState;
import io.temporal.failure.ApplicationFailure;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sagemaker.SageMakerClient;
import software.amazon.awssdk.services.sagemaker.model.AutoRollbackConfig;
import software.amazon.awssdk.services.sagemaker.model.Alarm;
import software.amazon.awssdk.services.sagemaker.model.CapacitySizeType;
import software.amazon.awssdk.services.sagemaker.model.DeploymentConfig;
import software.amazon.awssdk.services.sagemaker.model.DescribeEndpointConfigResponse;
import software.amazon.awssdk.services.sagemaker.model.DescribeEndpointResponse;
import software.amazon.awssdk.services.sagemaker.model.EndpointStatus;
import software.amazon.awssdk.services.sagemaker.model.ProductionVariant;
import software.amazon.awssdk.services.sagemaker.model.SageMakerException;
import software.amazon.awssdk.services.sagemaker.model.TrafficRoutingConfigType;

/**
 * SageMaker deployment guardrails: the endpoint moves from its current config to a config serving only the target
 * variant with a blue/green update (canary of the requested share, then all of it), and SageMaker itself rolls back
 * when the target's alarms fire. The workflow follows the endpoint's status; a rollback SageMaker did on its own is
 * reported as STATE_MISMATCH with the endpoint's failure reason, never as success.
 */
public class GuardrailsTraffic {

  private static final Logger log = LoggerFactory.getLogger(GuardrailsTraffic.class);
  /** How long the canary share bakes inside SageMaker before it shifts the rest (as Canary10Percent5Minutes). */
  static final int CANARY_WAIT_SECONDS = 300;

  private final SageMakerClient sageMaker;
  private final StackDeployer stacks;
  private final Endpoints endpoints;
  private final AwsBackendConfig config;

  public GuardrailsTraffic(SageMakerClient sageMaker, StackDeployer stacks, AwsBackendConfig config) {
    this.sageMaker = sageMaker;
    this.stacks = stacks;
    this.endpoints = new Endpoints(sageMaker);
    this.config = config;
  }

  /** The endpoint config serving only {@code variant}, copied from the endpoint's current config. */
  static String targetConfigName(String endpointName, String variant) {
    String n = endpointName + "-" + variant + "-bg";
    return n.length() > 63 ? n.substring(0, 63) : n;
  }

  public TrafficState shift(TrafficShift shift) {
    String name = shift.endpointName();
    DescribeEndpointResponse d = endpoints.describe(name).orElseThrow(() -> ApplicationFailure
        .newNonRetryableFailure("endpoint " + name + " does not exist", Failures.NOT_FOUND));
    TrafficPlan plan = TrafficPlan.of(shift, Endpoints.currentWeightPercents(d));
    String targetConfig = targetConfigName(name, plan.target());

    if (d.endpointStatus() == EndpointStatus.UPDATING) {
      if (!targetConfig.equals(pendingConfig(d))) {
        // an update toward something else (e.g. the canary we now roll back): let it settle, then act on the result
        d = follow(name);
      } else if (plan.targetPercent() < 100) {
        return confirmedCanary(name, plan);
      } else {
        d = follow(name);
        return verified(d, targetConfig, plan);
      }
    }
    if (targetConfig.equals(d.endpointConfigName())
        || (Endpoints.variantNames(d).equals(List.of(plan.target())))) {
      return new TrafficState(name, Map.of(plan.target(), 100), Instant.now());
    }
    if (plan.targetPercent() == 100 && Endpoints.currentWeightPercents(d).getOrDefault(plan.target(), 0) == 100) {
      // e.g. a rollback after SageMaker already rolled its update back: the target serves everything already
      return new TrafficState(name, Endpoints.currentWeightPercents(d), Instant.now());
    }
    ensureTargetConfig(d, plan.target(), targetConfig);
    boolean canary = plan.targetPercent() < 100;
    DeploymentConfig deployment = DeploymentConfig.builder()
        .blueGreenUpdatePolicy(b -> b
            .trafficRoutingConfiguration(t -> {
              if (canary) {
                t.type(TrafficRoutingConfigType.CANARY)
                    .canarySize(c -> c.type(CapacitySizeType.CAPACITY_PERCENT).value(plan.targetPercent()))
                    .waitIntervalInSeconds(CANARY_WAIT_SECONDS);
              } else {
                t.type(TrafficRoutingConfigType.ALL_AT_ONCE).waitIntervalInSeconds(0);
              }
            })
            .terminationWaitInSeconds(0)
            .maximumExecutionTimeoutInSeconds((int) Duration.ofHours(1).toSeconds()))
        .autoRollbackConfiguration(AutoRollbackConfig.builder().alarms(
            AlarmNames.canary(name, plan.target()).stream().map(a -> Alarm.builder().alarmName(a).build()).toList())
            .build())
        .build();
    sageMaker.updateEndpoint(b -> b.endpointName(name).endpointConfigName(targetConfig).deploymentConfig(deployment));
    log.info("guardrails update of {} to {} ({}% canary first: {})", name, targetConfig, plan.targetPercent(), canary);
    if (canary) {
      return confirmedCanary(name, plan);
    }
    return verified(follow(name), targetConfig, plan);
  }

  /** The canary step is confirmed once SageMaker reports the update running (it owns the split from then on). */
  private TrafficState confirmedCanary(String name, TrafficPlan plan) {
    DescribeEndpointResponse d = endpoints.describe(name).orElseThrow();
    if (d.endpointStatus() != EndpointStatus.UPDATING && !targetConfigName(name, plan.target())
        .equals(d.endpointConfigName())) {
      throw ApplicationFailure.newNonRetryableFailure("guardrails update of " + name + " toward " + plan.target()
          + " is not running (endpoint " + d.endpointStatusAsString() + " on " + d.endpointConfigName()
          + (d.failureReason() == null ? "" : ": " + d.failureReason()) + ")", Failures.STATE_MISMATCH);
    }
    Map<String, Integer> split = new java.util.LinkedHashMap<>();
    if (plan.from() != null) {
      split.put(plan.from(), 100 - plan.targetPercent());
    }
    split.put(plan.target(), plan.targetPercent());
    return new TrafficState(name, split, Instant.now());
  }

  private TrafficState verified(DescribeEndpointResponse d, String targetConfig, TrafficPlan plan) {
    if (!targetConfig.equals(d.endpointConfigName())) {
      throw ApplicationFailure.newNonRetryableFailure("SageMaker rolled the guardrails update of " + d.endpointName()
          + " back: it still runs " + d.endpointConfigName() + ", not " + targetConfig
          + (d.failureReason() == null ? "" : " (" + d.failureReason() + ")"), Failures.STATE_MISMATCH);
    }
    return new TrafficState(d.endpointName(), Map.of(plan.target(), 100), Instant.now());
  }

  private DescribeEndpointResponse follow(String name) {
    return AwsPolling.until("guardrails update of " + name, config, () -> {
      DescribeEndpointResponse d = endpoints.describe(name).orElseThrow(() -> ApplicationFailure
          .newNonRetryableFailure("endpoint " + name + " disappeared", Failures.NOT_FOUND));
      if (d.endpointStatus() == EndpointStatus.IN_SERVICE) {
        return Poll.done(d);
      }
      if (d.endpointStatus() == EndpointStatus.FAILED) {
        throw ApplicationFailure.newNonRetryableFailure("endpoint " + name + " Failed: " + d.failureReason(),
            Failures.STATE_MISMATCH);
      }
      return Poll.waiting(d.endpointStatusAsString());
    });
  }

  private static String pendingConfig(DescribeEndpointResponse d) {
    return d.pendingDeploymentSummary() == null ? null : d.pendingDeploymentSummary().endpointConfigName();
  }

  private static Optional<ProductionVariant> variantIn(DescribeEndpointConfigResponse c, String variant) {
    return c.productionVariants().stream().filter(v -> variant.equals(v.variantName())).findFirst();
  }

  /** Creates (or adopts) the single-variant config of the target, keeping data capture and KMS of the current one. */
  private void ensureTargetConfig(DescribeEndpointResponse d, String variant, String configName) {
    try {
      sageMaker.describeEndpointConfig(b -> b.endpointConfigName(configName));
      return;
    } catch (SageMakerException e) {
      if (!SageMakerErrors.isNotFound(e)) {
        throw e;
      }
    }
    DescribeEndpointConfigResponse current = sageMaker.describeEndpointConfig(b -> b.endpointConfigName(
        d.endpointConfigName()));
    Optional<ProductionVariant> found = variantIn(current, variant);
    if (found.isEmpty()) {
      // rolling back after a completed update: the endpoint serves only green, the prod stack's config has blue
      String stackConfig = stacks.describe(AwsEndpointActivitiesImpl.stackName(d.endpointName()))
          .flatMap(st -> st.outputs().stream().filter(o -> "EndpointConfigName".equals(o.outputKey())).findFirst())
          .map(o -> o.outputValue()).orElse(null);
      if (stackConfig != null) {
        current = sageMaker.describeEndpointConfig(b -> b.endpointConfigName(stackConfig));
        found = variantIn(current, variant);
      }
    }
    ProductionVariant source = found.orElseThrow(() -> ApplicationFailure.newNonRetryableFailure("endpoint "
        + d.endpointName() + " has no variant " + variant + " to deploy with guardrails", Failures.NOT_FOUND));
    DescribeEndpointConfigResponse from = current;
    ProductionVariant only = source.toBuilder().initialVariantWeight(1f).build();
    try {
      sageMaker.createEndpointConfig(b -> {
        b.endpointConfigName(configName).productionVariants(only);
        if (from.dataCaptureConfig() != null) {
          b.dataCaptureConfig(from.dataCaptureConfig());
        }
        if (from.kmsKeyId() != null) {
          b.kmsKeyId(from.kmsKeyId());
        }
      });
    } catch (SageMakerException e) {
      if (!SageMakerErrors.isAlreadyExists(e)) {
        throw e;
      }
    }
  }
}
