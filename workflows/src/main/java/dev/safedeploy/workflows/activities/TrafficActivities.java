package dev.safedeploy.workflows.activities;

import io.temporal.activity.ActivityInterface;
import java.time.Instant;
import java.util.Map;

/** Shifts production traffic between variants and confirms the backend really serves the requested split. */
@ActivityInterface
public interface TrafficActivities {

  /** @param weights variant name to percent; percentages add up to 100 */
  record TrafficShift(String endpointName, Map<String, Integer> weights, String reason) {}

  /** @param confirmedAt when the backend (router / DescribeEndpoint) confirmed the split, on the backend's clock */
  record TrafficState(String endpointName, Map<String, Integer> weights, Instant confirmedAt) {}

  TrafficState shiftTraffic(TrafficShift shift);
}
