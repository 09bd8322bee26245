package dev.safedeploy.workflows.pipeline;

import java.time.Instant;

/**
 * An alarm state change, pushed by the CloudWatch bridge or the local alarm evaluator, or found by the alarm poll.
 *
 * @param alarmName the alarm's name
 * @param state ALARM, OK or INSUFFICIENT_DATA
 * @param reason the alarm's state reason
 * @param transitionedAt when the alarm entered this state (the alarm's clock, not the workflow's)
 */
public record AlarmSignal(String alarmName, String state, String reason, Instant transitionedAt) {

  public static final String ALARM = "ALARM";

  public boolean signalsAlarm() {
    return ALARM.equalsIgnoreCase(state);
  }

  /** Null when well-formed, otherwise what is wrong; malformed signals are recorded and ignored, never fatal. */
  public String problem() {
    if (alarmName == null || alarmName.isBlank()) {
      return "alarm signal without alarmName";
    }
    if (state == null || !(state.equalsIgnoreCase("ALARM") || state.equalsIgnoreCase("OK")
        || state.equalsIgnoreCase("INSUFFICIENT_DATA"))) {
      return "alarm signal for " + alarmName + " has unknown state '" + state + "'";
    }
    return null;
  }
}
