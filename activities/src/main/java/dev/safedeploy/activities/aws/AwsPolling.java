package dev.safedeploy.activities.aws;

import io.temporal.activity.Activity;
import io.temporal.failure.ApplicationFailure;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Supplier;

/**
 * Long waits of the AWS activities: poll, heartbeat with what was seen (so the Temporal UI shows progress and a dead
 * worker is noticed), sleep, and give up after the configured maximum.
 */
public final class AwsPolling {

  private AwsPolling() {}

  /** What one poll found: done (with a value) or still waiting (with a progress note for the heartbeat). */
  public record Poll<T>(boolean done, T value, String progress) {
    public static <T> Poll<T> done(T value) {
      return new Poll<>(true, value, null);
    }

    public static <T> Poll<T> waiting(String progress) {
      return new Poll<>(false, null, progress);
    }
  }

  public static <T> T until(String what, AwsBackendConfig config, Supplier<Poll<T>> poll) {
    Instant deadline = Instant.now().plus(config.maxWait());
    while (true) {
      Poll<T> p = poll.get();
      if (p.done()) {
        return p.value();
      }
      heartbeat(what + ": " + p.progress());
      if (Instant.now().isAfter(deadline)) {
        throw ApplicationFailure.newFailure(
            "gave up waiting for " + what + " after " + config.maxWait() + " (last seen: " + p.progress() + ")",
            "Timeout");
      }
      sleep(config.pollInterval());
    }
  }

  /** Heartbeats when running inside an activity; a no-op elsewhere (e.g. plain unit tests of helpers). */
  public static void heartbeat(String details) {
    try {
      Activity.getExecutionContext().heartbeat(details);
    } catch (IllegalStateException notInActivity) {
      // not running as an activity
    }
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(Math.max(1, d.toMillis()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw ApplicationFailure.newFailure("interrupted while waiting", "Interrupted");
    }
  }
}
