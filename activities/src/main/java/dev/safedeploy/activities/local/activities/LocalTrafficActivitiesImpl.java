package dev.safedeploy.activities.local.activities;

import dev.safedeploy.platform.api.WeightsConfirmation;
import dev.safedeploy.platform.client.PlatformClient;
import dev.safedeploy.platform.client.PlatformClientException;
import dev.safedeploy.workflows.activities.Failures;
import dev.safedeploy.workflows.activities.TrafficActivities;
import io.temporal.failure.ApplicationFailure;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Traffic shifts on the local router: one call, answered once the router routes by the new split. */
public class LocalTrafficActivitiesImpl implements TrafficActivities {
  private static final Logger log = LoggerFactory.getLogger(LocalTrafficActivitiesImpl.class);
  private final PlatformClient platform;

  public LocalTrafficActivitiesImpl(PlatformClient platform) {
    this.platform = platform;
  }

  @Override
  public TrafficState shiftTraffic(TrafficShift shift) {
    if (shift.weights() == null || shift.weights().isEmpty()) {
      throw ApplicationFailure.newNonRetryableFailure("traffic shift of " + shift.endpointName()
          + " names no variants", Failures.BAD_DATA);
    }
    // summed in a long: {a: 2147483647, b: 2147483647, c: 102} must not wrap around to 100
    long sum = shift.weights().values().stream().mapToLong(w -> w == null ? -1 : w).sum();
    if (sum != 100 || shift.weights().values().stream().anyMatch(w -> w == null || w < 0)) {
      throw ApplicationFailure.newNonRetryableFailure("traffic shift of " + shift.endpointName()
          + ": percentages must be >= 0 and add up to 100, got " + shift.weights(), Failures.BAD_DATA);
    }
    // the rest (every variant named, none unknown) the platform checks under the endpoint's lock, in the same call
    try {
      WeightsConfirmation c = platform.setWeights(shift.endpointName(), shift.weights());
      for (Map.Entry<String, Integer> w : shift.weights().entrySet()) {
        if (!w.getValue().equals(c.weights().get(w.getKey()))) {
          throw ApplicationFailure.newNonRetryableFailure("router of " + shift.endpointName() + " confirmed "
              + c.weights() + ", not " + shift.weights(), Failures.STATE_MISMATCH);
        }
      }
      log.info("traffic of {} now {} ({}), confirmed at {}", shift.endpointName(), c.weights(), shift.reason(),
          c.confirmedAt());
      return new TrafficState(c.endpoint(), c.weights(), c.confirmedAt());
    } catch (PlatformClientException e) {
      throw Adapters.failure(e, Failures.NOT_FOUND);
    }
  }
}
