package dev.safedeploy.lambdas.alarms;

import com.amazonaws.services.lambda.runtime.events.ScheduledEvent;
import dev.safedeploy.workflows.pipeline.AlarmSignal;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.util.Map;

/**
 * The part of an EventBridge "CloudWatch Alarm State Change" event the bridge needs:
 * {@code detail.alarmName}, {@code detail.state.value/reason/timestamp} and {@code resources[0]} (the alarm's ARN).
 */
public record AlarmStateChange(String alarmName, String alarmArn, String state, String reason, Instant timestamp) {

  public static final String DETAIL_TYPE = "CloudWatch Alarm State Change";

  /** CloudWatch writes "2019-10-02T17:04:40.985+0000": an offset without a colon, which ISO parsing rejects. */
  private static final DateTimeFormatter CLOUDWATCH_TIMESTAMP = new DateTimeFormatterBuilder()
      .appendPattern("yyyy-MM-dd'T'HH:mm:ss")
      .optionalStart().appendFraction(java.time.temporal.ChronoField.NANO_OF_SECOND, 0, 9, true).optionalEnd()
      .appendPattern("[XXX][XX][X]")
      .toFormatter();

  public static boolean isAlarmStateChange(ScheduledEvent event) {
    return event != null && DETAIL_TYPE.equals(event.getDetailType());
  }

  /** @throws IllegalArgumentException naming the missing or malformed field */
  public static AlarmStateChange from(ScheduledEvent event) {
    Map<String, Object> detail = event.getDetail();
    if (detail == null) {
      throw new IllegalArgumentException("alarm state change event " + event.getId() + " has no detail");
    }
    String alarmName = text(detail.get("alarmName"));
    if (alarmName == null) {
      throw new IllegalArgumentException("alarm state change event " + event.getId() + " has no detail.alarmName");
    }
    if (!(detail.get("state") instanceof Map<?, ?> state)) {
      throw new IllegalArgumentException("alarm state change event " + event.getId() + " for " + alarmName
          + " has no detail.state");
    }
    String value = text(state.get("value"));
    if (value == null) {
      throw new IllegalArgumentException("alarm state change event " + event.getId() + " for " + alarmName
          + " has no detail.state.value");
    }
    String arn = event.getResources() == null || event.getResources().isEmpty() ? null
        : text(event.getResources().get(0));
    if (arn == null) {
      throw new IllegalArgumentException("alarm state change event " + event.getId() + " for " + alarmName
          + " has no alarm ARN in resources");
    }
    Instant timestamp = parseTimestamp(text(state.get("timestamp")));
    if (timestamp == null && event.getTime() != null) {
      timestamp = Instant.ofEpochMilli(event.getTime().getMillis());
    }
    return new AlarmStateChange(alarmName, arn, value, text(state.get("reason")), timestamp);
  }

  public AlarmSignal toSignal() {
    return new AlarmSignal(alarmName, state, reason, timestamp);
  }

  static Instant parseTimestamp(String text) {
    if (text == null) {
      return null;
    }
    try {
      return OffsetDateTime.parse(text, CLOUDWATCH_TIMESTAMP).toInstant();
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("alarm state timestamp '" + text + "' is not an ISO-8601 date-time", e);
    }
  }

  private static String text(Object value) {
    return value == null || value.toString().isBlank() ? null : value.toString();
  }
}
