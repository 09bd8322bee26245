package dev.safedeploy.workflows.pipeline;

import dev.safedeploy.workflows.activities.Failures;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import java.time.Duration;

/**
 * Timeouts and retries per port. Long AWS waits (training, endpoints) heartbeat, so a worker killed mid-wait is noticed
 * within the heartbeat timeout and the retry adopts what the first attempt created; quick calls get short
 * start-to-close timeouts. Failures typed in {@link Failures} are never retried.
 */
public final class ActivityStubs {

  private static final String[] NON_RETRYABLE = {
    Failures.BAD_DATA, Failures.JOB_FAILED, Failures.MODEL_LOAD_FAILED, Failures.INFRASTRUCTURE_FAILED,
    Failures.NOT_FOUND
  };

  private ActivityStubs() {}

  static boolean isNonRetryable(String failureType) {
    return java.util.Arrays.asList(NON_RETRYABLE).contains(failureType);
  }

  /** A failure retrying cannot fix: the thing is not there, or the request is refused as malformed. */
  public static boolean isPermanent(ActivityFailure e) {
    return e.getCause() instanceof ApplicationFailure af && (af.isNonRetryable() || isNonRetryable(af.getType()));
  }

  static ActivityOptions heartbeating(Duration startToClose, int attempts, String summary) {
    return ActivityOptions.newBuilder()
        .setStartToCloseTimeout(startToClose)
        .setHeartbeatTimeout(Duration.ofSeconds(15))
        .setRetryOptions(retry(attempts))
        .setSummary(summary)
        .build();
  }

  static ActivityOptions quick(Duration startToClose, int attempts, String summary) {
    return ActivityOptions.newBuilder()
        .setStartToCloseTimeout(startToClose)
        .setRetryOptions(retry(attempts))
        .setSummary(summary)
        .build();
  }

  private static RetryOptions retry(int attempts) {
    return RetryOptions.newBuilder()
        .setInitialInterval(Duration.ofMillis(500))
        .setBackoffCoefficient(2.0)
        .setMaximumInterval(Duration.ofSeconds(30))
        .setMaximumAttempts(attempts)
        .setDoNotRetry(NON_RETRYABLE)
        .build();
  }
}
