package dev.safedeploy.workflows.retrain;

import dev.safedeploy.workflows.pipeline.AlarmSignal;
import java.math.BigDecimal;
import java.math.MathContext;
import java.time.Instant;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Why a retrain was asked for: a drift alarm, a schedule, or a person.
 *
 * @param kind ALARM, SCHEDULE or MANUAL
 * @param alarmName the alarm that went to ALARM (ALARM only)
 * @param value the alarm's most recent datapoint, read from its state reason when it names one (ALARM only; may be
 *     null)
 * @param reason the alarm's state reason, or a person's free-text reason (may be null)
 * @param scheduleId the Temporal Schedule that fired (SCHEDULE only)
 * @param by who asked: the operator for MANUAL; for ALARM and SCHEDULE what delivered it (bridge, evaluator,
 *     schedule); may be null
 * @param at when the cause happened on its own clock (the alarm's transition, the schedule's fire time); may be null,
 *     the journal keeps the time the workflow received it
 */
public record RetrainTrigger(
    Kind kind, String alarmName, Double value, String reason, String scheduleId, String by, Instant at) {

  public enum Kind { ALARM, SCHEDULE, MANUAL }

  // "(most recent 0.44)" from the local evaluator, "datapoints [0.44 (10/08/26 12:00:00)]" from CloudWatch
  private static final Pattern VALUE = Pattern.compile(
      "most recent (-?[0-9]+(?:\\.[0-9]+)?(?:[eE]-?[0-9]+)?)|\\[(-?[0-9]+(?:\\.[0-9]+)?(?:[eE]-?[0-9]+)?)[ ,\\]]");

  /** A drift alarm's state change as a trigger; only an ALARM state should become one. */
  public static RetrainTrigger alarm(AlarmSignal signal) {
    return new RetrainTrigger(Kind.ALARM, signal.alarmName(), valueIn(signal.reason()), signal.reason(), null,
        null, signal.transitionedAt());
  }

  public static RetrainTrigger schedule(String scheduleId, Instant firedAt) {
    return new RetrainTrigger(Kind.SCHEDULE, null, null, null, scheduleId, "schedule", firedAt);
  }

  public static RetrainTrigger manual(String by, String reason, Instant at) {
    return new RetrainTrigger(Kind.MANUAL, null, null, reason, null, by, at);
  }

  /** Null when well-formed, otherwise what is wrong; a malformed trigger is journaled as refused, never fatal. */
  public String problem() {
    if (kind == null) {
      return "retrain trigger without kind (ALARM, SCHEDULE or MANUAL)";
    }
    return switch (kind) {
      case ALARM -> blank(alarmName) ? "ALARM trigger without alarmName" : null;
      case SCHEDULE -> blank(scheduleId) ? "SCHEDULE trigger without scheduleId" : null;
      case MANUAL -> blank(by) ? "MANUAL trigger without who asked (by)" : null;
    };
  }

  /**
   * The pipeline run's requester: the operator for a manual retrain, otherwise the cause, so that four-eyes approval
   * never mistakes an alarm or a schedule for a person.
   */
  public String requestedBy() {
    return switch (kind) {
      case ALARM -> "alarm:" + alarmName;
      case SCHEDULE -> "schedule:" + scheduleId;
      case MANUAL -> by;
    };
  }

  /** One line for summaries and the journal, e.g. "drift alarm nyctaxi-prod-feature-drift at 0.44". */
  public String describe() {
    return switch (kind) {
      case ALARM -> "drift alarm " + alarmName + (value == null ? "" : " at " + format(value));
      case SCHEDULE -> "schedule " + scheduleId;
      case MANUAL -> "manual retrain by " + by + (blank(reason) ? "" : ": " + reason);
    };
  }

  /** As the pipeline run records it. */
  public dev.safedeploy.workflows.pipeline.RetrainCause toCause() {
    return new dev.safedeploy.workflows.pipeline.RetrainCause(kind.name(), alarmName, value, reason, scheduleId, by,
        at, describe());
  }

  static Double valueIn(String reason) {
    if (reason == null) {
      return null;
    }
    Matcher m = VALUE.matcher(reason);
    if (!m.find()) {
      return null;
    }
    return Double.valueOf(m.group(1) != null ? m.group(1) : m.group(2));
  }

  private static String format(double v) {
    return BigDecimal.valueOf(v).round(new MathContext(4)).stripTrailingZeros().toPlainString();
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }
}
