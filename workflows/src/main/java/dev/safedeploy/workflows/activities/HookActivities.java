package dev.safedeploy.workflows.activities;

import io.temporal.activity.ActivityInterface;

/** Checks run against real endpoints: a smoke test on dev, and the pre/post-traffic hooks around the canary. */
@ActivityInterface
public interface HookActivities {

  /**
   * @param variantName the variant to target (SageMaker TargetVariant); null for the endpoint as routed
   * @param sampleUri test rows (header-less CSV, target first; the target column is stripped before invoking)
   * @param rows how many sample rows to send
   */
  record HookRequest(String endpointName, String variantName, String sampleUri, int rows, long maxLatencyMillis) {}

  record HookResult(boolean passed, String reason, int invocations, long p99LatencyMillis) {}

  HookResult smokeTest(HookRequest request);

  /** Invokes the green variant directly: answers for every row, numeric, within the latency bound. */
  HookResult preTraffic(HookRequest request);

  /** At 100%: data capture is being written for the endpoint and the endpoint answers as routed. */
  HookResult postTraffic(HookRequest request);
}
