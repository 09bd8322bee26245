package dev.safedeploy.activities.aws.traffic;

import dev.safedeploy.workflows.activities.Failures;
import dev.safedeploy.workflows.activities.TrafficActivities.TrafficShift;
import io.temporal.failure.ApplicationFailure;
import java.util.Map;

/**
 * What a shift asks for, seen by strategies that move a whole deployment rather than weights: the variant that gains
 * traffic (the target) and its requested share.
 */
public record TrafficPlan(String target, int targetPercent, String from) {

  /**
   * @param current the current split (percent per variant); the target is the variant whose share grows, or, when
   *     nothing changes, the one with the most traffic
   */
  public static TrafficPlan of(TrafficShift shift, Map<String, Integer> current) {
    validate(shift);
    String target = null;
    int best = Integer.MIN_VALUE;
    for (Map.Entry<String, Integer> e : shift.weights().entrySet()) {
      int gain = e.getValue() - current.getOrDefault(e.getKey(), 0);
      if (gain > best || (gain == best && e.getValue() > shift.weights().get(target))) {
        best = gain;
        target = e.getKey();
      }
    }
    String from = null;
    for (String v : shift.weights().keySet()) {
      if (!v.equals(target)) {
        from = v;
      }
    }
    return new TrafficPlan(target, shift.weights().get(target), from);
  }

  public static void validate(TrafficShift shift) {
    if (shift.weights() == null || shift.weights().isEmpty()) {
      throw ApplicationFailure.newNonRetryableFailure("traffic shift on " + shift.endpointName() + " names no variants",
          Failures.STATE_MISMATCH);
    }
    int sum = 0;
    for (Map.Entry<String, Integer> e : shift.weights().entrySet()) {
      if (e.getValue() == null || e.getValue() < 0 || e.getValue() > 100) {
        throw ApplicationFailure.newNonRetryableFailure("traffic shift on " + shift.endpointName() + ": weight of "
            + e.getKey() + " must be in [0, 100], got " + e.getValue(), Failures.STATE_MISMATCH);
      }
      sum += e.getValue();
    }
    if (sum != 100) {
      throw ApplicationFailure.newNonRetryableFailure("traffic shift on " + shift.endpointName()
          + ": percentages must add up to 100, got " + shift.weights(), Failures.STATE_MISMATCH);
    }
  }
}
