package dev.safedeploy.activities.aws;

import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestActivityEnvironment;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Runs adapters as real activities (TestActivityEnvironment), so heartbeats and failures behave as in a worker. */
public final class ActivityTesting implements AutoCloseable {

  public final TestActivityEnvironment env = TestActivityEnvironment.newInstance();
  public final List<String> heartbeats = new CopyOnWriteArrayList<>();

  public ActivityTesting(Object... activities) {
    env.registerActivitiesImplementations(activities);
    env.setActivityHeartbeatListener(String.class, heartbeats::add);
  }

  public <T> T stub(Class<T> port) {
    return env.newActivityStub(port, ActivityOptions.newBuilder()
        .setStartToCloseTimeout(Duration.ofMinutes(2))
        .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build())
        .build());
  }

  /** The ApplicationFailure an activity call ended with. */
  public static ApplicationFailure failure(Runnable call) {
    try {
      call.run();
    } catch (ActivityFailure e) {
      if (e.getCause() instanceof ApplicationFailure af) {
        return af;
      }
      throw new AssertionError("activity failed without an ApplicationFailure: " + e, e);
    }
    throw new AssertionError("the activity call succeeded; a failure was expected");
  }

  @Override
  public void close() {
    env.close();
  }
}
