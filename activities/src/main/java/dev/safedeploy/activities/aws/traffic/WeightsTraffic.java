package dev.safedeploy.activities.aws.traffic;

import dev.safedeploy.activities.aws.AwsBackendConfig;
import dev.safedeploy.activities.aws.sagemaker.Endpoints;
import dev.safedeploy.workflows.activities.Failures;
import dev.safedeploy.workflows.activities.TrafficActivities.TrafficShift;
import dev.safedeploy.workflows.activities.TrafficActivities.TrafficState;
import io.temporal.failure.ApplicationFailure;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sagemaker.SageMakerClient;
import software.amazon.awssdk.services.sagemaker.model.DescribeEndpointResponse;
import software.amazon.awssdk.services.sagemaker.model.DesiredWeightAndCapacity;

/**
 * The default strategy: the workflow drives the split itself with UpdateEndpointWeightsAndCapacities on the one
 * endpoint, then waits for InService and reads the current weights back.
 */
public class WeightsTraffic {

  private static final Logger log = LoggerFactory.getLogger(WeightsTraffic.class);

  private final SageMakerClient sageMaker;
  private final Endpoints endpoints;
  private final AwsBackendConfig config;

  public WeightsTraffic(SageMakerClient sageMaker, AwsBackendConfig config) {
    this.sageMaker = sageMaker;
    this.endpoints = new Endpoints(sageMaker);
    this.config = config;
  }

  public TrafficState shift(TrafficShift shift) {
    TrafficPlan.validate(shift);
    String name = shift.endpointName();
    DescribeEndpointResponse d = endpoints.waitInService(name, config);
    Map<String, Integer> wanted = new LinkedHashMap<>();
    for (String v : Endpoints.variantNames(d)) {
      wanted.put(v, 0); // a variant the shift leaves out gets no traffic
    }
    for (Map.Entry<String, Integer> e : shift.weights().entrySet()) {
      if (!wanted.containsKey(e.getKey())) {
        throw ApplicationFailure.newNonRetryableFailure("endpoint " + name + " has no variant " + e.getKey()
            + " (it has " + Endpoints.variantNames(d) + ")", Failures.NOT_FOUND);
      }
      wanted.put(e.getKey(), e.getValue());
    }
    if (!Endpoints.currentWeightPercents(d).equals(wanted)) {
      List<DesiredWeightAndCapacity> desired = new ArrayList<>();
      wanted.forEach((v, w) -> desired.add(DesiredWeightAndCapacity.builder().variantName(v)
          .desiredWeight((float) w).build()));
      sageMaker.updateEndpointWeightsAndCapacities(b -> b.endpointName(name).desiredWeightsAndCapacities(desired));
      log.info("shifting {} to {} ({})", name, wanted, shift.reason());
      d = endpoints.waitInService(name, config);
    }
    Map<String, Integer> now = Endpoints.currentWeightPercents(d);
    if (!now.equals(wanted)) {
      throw ApplicationFailure.newNonRetryableFailure("endpoint " + name + " serves " + now + " after asking for "
          + wanted, Failures.STATE_MISMATCH);
    }
    return new TrafficState(name, now, Instant.now());
  }
}
