package dev.safedeploy.activities.aws.sagemaker;

import dev.safedeploy.activities.aws.AwsBackendConfig;
import dev.safedeploy.activities.aws.AwsPolling;
import dev.safedeploy.workflows.activities.Failures;
import io.temporal.failure.ApplicationFailure;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import software.amazon.awssdk.services.sagemaker.SageMakerClient;
import software.amazon.awssdk.services.sagemaker.model.DescribeEndpointResponse;
import software.amazon.awssdk.services.sagemaker.model.EndpointStatus;
import software.amazon.awssdk.services.sagemaker.model.ProductionVariantSummary;
import software.amazon.awssdk.services.sagemaker.model.SageMakerException;

/** Reads endpoints back and checks them against what was asked: SageMaker can silently roll an update back. */
public final class Endpoints {

  private final SageMakerClient sageMaker;

  public Endpoints(SageMakerClient sageMaker) {
    this.sageMaker = sageMaker;
  }

  public Optional<DescribeEndpointResponse> describe(String endpointName) {
    try {
      return Optional.of(sageMaker.describeEndpoint(b -> b.endpointName(endpointName)));
    } catch (SageMakerException e) {
      if (SageMakerErrors.isNotFound(e)) {
        return Optional.empty();
      }
      throw e;
    }
  }

  /**
   * Polls (heartbeating) until the endpoint is InService after an update; FAILED, OutOfService or Deleting end the wait
   * as a STATE_MISMATCH with SageMaker's reason, a missing endpoint as NOT_FOUND.
   */
  public DescribeEndpointResponse waitInService(String name, AwsBackendConfig config) {
    return AwsPolling.until("endpoint " + name + " InService", config, () -> {
      DescribeEndpointResponse d = describe(name).orElseThrow(() -> ApplicationFailure
          .newNonRetryableFailure("endpoint " + name + " does not exist", Failures.NOT_FOUND));
      EndpointStatus s = d.endpointStatus();
      if (s == EndpointStatus.IN_SERVICE) {
        return AwsPolling.Poll.done(d);
      }
      if (s == EndpointStatus.FAILED || s == EndpointStatus.OUT_OF_SERVICE || s == EndpointStatus.DELETING) {
        throw ApplicationFailure.newNonRetryableFailure("endpoint " + name + " is " + d.endpointStatusAsString()
            + (d.failureReason() == null ? "" : ": " + d.failureReason()), Failures.STATE_MISMATCH);
      }
      return AwsPolling.Poll.waiting(d.endpointStatusAsString());
    });
  }

  /** Current weights as percentages of their sum (SageMaker weights are relative), in the endpoint's variant order. */
  public static Map<String, Integer> currentWeightPercents(DescribeEndpointResponse d) {
    Map<String, Float> raw = new LinkedHashMap<>();
    for (ProductionVariantSummary v : d.productionVariants()) {
      raw.put(v.variantName(), v.currentWeight() == null ? 0f : v.currentWeight());
    }
    double sum = raw.values().stream().mapToDouble(Float::doubleValue).sum();
    Map<String, Integer> out = new LinkedHashMap<>();
    raw.forEach((k, w) -> out.put(k, sum <= 0 ? 0 : (int) Math.round(100.0 * w / sum)));
    return out;
  }

  /**
   * The endpoint must be InService, on the expected endpoint config (when given) and serve exactly the expected
   * variants; anything else is a STATE_MISMATCH naming what differs.
   */
  public DescribeEndpointResponse verify(String endpointName, String expectedConfig, Set<String> expectedVariants) {
    DescribeEndpointResponse d = describe(endpointName).orElseThrow(() -> ApplicationFailure.newNonRetryableFailure(
        "endpoint " + endpointName + " does not exist after its update", Failures.STATE_MISMATCH));
    if (d.endpointStatus() != EndpointStatus.IN_SERVICE) {
      throw ApplicationFailure.newNonRetryableFailure("endpoint " + endpointName + " is " + d.endpointStatusAsString()
          + (d.failureReason() == null ? "" : ": " + d.failureReason()), Failures.STATE_MISMATCH);
    }
    if (expectedConfig != null && !expectedConfig.equals(d.endpointConfigName())) {
      throw ApplicationFailure.newNonRetryableFailure("endpoint " + endpointName + " runs endpoint config "
          + d.endpointConfigName() + ", not the requested " + expectedConfig
          + " (SageMaker rolled the update back" + (d.failureReason() == null ? ")" : ": " + d.failureReason() + ")"),
          Failures.STATE_MISMATCH);
    }
    Set<String> actual = new TreeSet<>();
    d.productionVariants().forEach(v -> actual.add(v.variantName()));
    if (!actual.equals(new TreeSet<>(expectedVariants))) {
      throw ApplicationFailure.newNonRetryableFailure("endpoint " + endpointName + " serves variants " + actual
          + ", not the requested " + new TreeSet<>(expectedVariants), Failures.STATE_MISMATCH);
    }
    return d;
  }

  public static List<String> variantNames(DescribeEndpointResponse d) {
    return d.productionVariants().stream().map(ProductionVariantSummary::variantName).toList();
  }
}
