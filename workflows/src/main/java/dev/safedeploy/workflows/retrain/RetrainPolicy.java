package dev.safedeploy.workflows.retrain;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * How a model retrains. Null fields take their defaults, as in {@code DeploymentPolicy}.
 *
 * @param coolDown after a retrain run ends, how long further triggers are only journaled (default 6 h); storms of
 *     alarms or schedules retrain at most once per run plus cool-down
 * @param useCapturedData whether captured production requests (joined with ground truth where present) may be added
 *     to the training data (default false: only the data the live version was trained from, refreshed)
 */
public record RetrainPolicy(Duration coolDown, Boolean useCapturedData) {

  public static final Duration DEFAULT_COOL_DOWN = Duration.ofHours(6);
  public static final Duration MAX_COOL_DOWN = Duration.ofDays(90);

  public RetrainPolicy {
    coolDown = coolDown == null ? DEFAULT_COOL_DOWN : coolDown;
    useCapturedData = useCapturedData == null ? Boolean.FALSE : useCapturedData;
  }

  public static RetrainPolicy defaults() {
    return new RetrainPolicy(null, null);
  }

  public List<String> problems() {
    List<String> problems = new ArrayList<>();
    if (coolDown.isNegative()) {
      problems.add("coolDown must not be negative, got " + coolDown);
    } else if (coolDown.compareTo(MAX_COOL_DOWN) > 0) {
      problems.add("coolDown must be at most " + MAX_COOL_DOWN.toDays() + " days, got " + coolDown);
    }
    return problems;
  }
}
