package dev.safedeploy.lambdas.alarms;

import static dev.safedeploy.lambdas.LambdaRuntime.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.lambda.runtime.events.ScheduledEvent;
import dev.safedeploy.lambdas.alarms.AlarmBridgeHandler.Outcome;
import dev.safedeploy.workflows.pipeline.AlarmSignal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AlarmBridgeHandlerTest {

  private static final String ALARM_ARN = "arn:aws:cloudwatch:us-east-1:123456789012:alarm:nyctaxi-prod-v2-5xx";
  private static final String WORKFLOW_ID = "deploy-nyctaxi-v2";

  private record Sent(String workflowId, AlarmSignal signal) {}

  private final Map<String, Map<String, String>> tagsByArn = new HashMap<>();
  private final List<String> tagLookups = new ArrayList<>();
  private final List<Sent> sent = new ArrayList<>();
  private RuntimeException tagFailure;
  private AlarmSignaller.Delivery delivery = AlarmSignaller.Delivery.DELIVERED;
  private RuntimeException signalFailure;

  private final AlarmTags tags = arn -> {
    tagLookups.add(arn);
    if (tagFailure != null) {
      throw tagFailure;
    }
    return tagsByArn.getOrDefault(arn, Map.of());
  };

  private final AlarmSignaller signaller = (workflowId, alarm) -> {
    if (signalFailure != null) {
      throw signalFailure;
    }
    sent.add(new Sent(workflowId, alarm));
    return delivery;
  };

  private AlarmBridgeHandler handler(Set<String> forwardStates) {
    return new AlarmBridgeHandler(tags, signaller, forwardStates);
  }

  private static ScheduledEvent alarmEvent() {
    return event("cloudwatch-alarm-state-change.json", ScheduledEvent.class);
  }

  @SuppressWarnings("unchecked")
  private static ScheduledEvent withState(String value) {
    ScheduledEvent event = alarmEvent();
    Map<String, Object> detail = new LinkedHashMap<>(event.getDetail());
    Map<String, Object> state = new LinkedHashMap<>((Map<String, Object>) detail.get("state"));
    state.put("value", value);
    detail.put("state", state);
    event.setDetail(detail);
    return event;
  }

  @Test
  void taggedAlarmIsSignalledToItsWorkflow() {
    tagsByArn.put(ALARM_ARN, Map.of("safedeploy:workflow-id", WORKFLOW_ID, "safedeploy:model", "nyctaxi"));

    String outcome = handler(Set.of("ALARM")).handleRequest(alarmEvent(), null);

    assertThat(outcome).isEqualTo("FORWARDED");
    assertThat(tagLookups).containsExactly(ALARM_ARN);
    assertThat(sent).containsExactly(new Sent(WORKFLOW_ID, new AlarmSignal("nyctaxi-prod-v2-5xx", "ALARM",
        "Threshold Crossed: 1 out of the last 1 datapoints [3.0 (26/11/26 19:03:00)] was greater than the threshold"
            + " (0.0) (minimum 1 datapoint for OK -> ALARM transition).",
        Instant.parse("2026-11-26T19:04:40.985Z"))));
    assertThat(sent.get(0).signal().problem()).isNull();
  }

  @Test
  void alarmWithoutTheWorkflowTagIsIgnored() {
    tagsByArn.put(ALARM_ARN, Map.of("team", "ml"));
    assertThat(handler(Set.of("ALARM")).handle(alarmEvent())).isEqualTo(Outcome.IGNORED_UNTAGGED);
    assertThat(sent).isEmpty();
  }

  @Test
  void deletedAlarmHasNoTagsAndIsIgnored() {
    assertThat(handler(Set.of("ALARM")).handle(alarmEvent())).isEqualTo(Outcome.IGNORED_UNTAGGED);
    assertThat(sent).isEmpty();
  }

  @Test
  void transitionsToOkAreIgnoredByDefaultWithoutAnyLookup() {
    tagsByArn.put(ALARM_ARN, Map.of("safedeploy:workflow-id", WORKFLOW_ID));
    AlarmBridgeHandler handler = handler(AlarmBridgeHandler.forwardStates(null));

    assertThat(handler.handle(withState("OK"))).isEqualTo(Outcome.IGNORED_STATE);
    assertThat(handler.handle(withState("INSUFFICIENT_DATA"))).isEqualTo(Outcome.IGNORED_STATE);
    assertThat(tagLookups).isEmpty();
    assertThat(sent).isEmpty();
  }

  @Test
  void transitionsToOkAreForwardedWhenConfigured() {
    tagsByArn.put(ALARM_ARN, Map.of("safedeploy:workflow-id", WORKFLOW_ID));
    AlarmBridgeHandler handler = handler(AlarmBridgeHandler.forwardStates("alarm, OK"));

    assertThat(handler.handle(withState("OK"))).isEqualTo(Outcome.FORWARDED);
    assertThat(sent).singleElement().satisfies(s -> {
      assertThat(s.signal().state()).isEqualTo("OK");
      assertThat(s.signal().signalsAlarm()).isFalse();
    });
  }

  @Test
  void signalToAClosedWorkflowIsDroppedNotFailed() {
    tagsByArn.put(ALARM_ARN, Map.of("safedeploy:workflow-id", WORKFLOW_ID));
    delivery = AlarmSignaller.Delivery.WORKFLOW_CLOSED;
    assertThat(handler(Set.of("ALARM")).handleRequest(alarmEvent(), null)).isEqualTo("DROPPED_WORKFLOW_CLOSED");
  }

  @Test
  void signalFailureIsThrownSoEventBridgeRetries() {
    tagsByArn.put(ALARM_ARN, Map.of("safedeploy:workflow-id", WORKFLOW_ID));
    signalFailure = new IllegalStateException("UNAVAILABLE: io exception");
    assertThatThrownBy(() -> handler(Set.of("ALARM")).handleRequest(alarmEvent(), null))
        .isSameAs(signalFailure);
  }

  @Test
  void tagLookupFailureIsThrownSoEventBridgeRetries() {
    tagFailure = new RuntimeException("Rate exceeded");
    assertThatThrownBy(() -> handler(Set.of("ALARM")).handleRequest(alarmEvent(), null)).isSameAs(tagFailure);
    assertThat(sent).isEmpty();
  }

  @Test
  void malformedAlarmEventIsThrownNotSwallowed() {
    ScheduledEvent event = alarmEvent();
    Map<String, Object> detail = new LinkedHashMap<>(event.getDetail());
    detail.remove("state");
    event.setDetail(detail);
    assertThatThrownBy(() -> handler(Set.of("ALARM")).handle(event))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("detail.state")
        .hasMessageContaining("nyctaxi-prod-v2-5xx");
  }

  @Test
  void eventWithoutAlarmArnIsThrown() {
    ScheduledEvent event = alarmEvent();
    event.setResources(List.of());
    assertThatThrownBy(() -> handler(Set.of("ALARM")).handle(event))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no alarm ARN");
  }

  @Test
  void otherEventTypesAreIgnored() {
    ScheduledEvent event = alarmEvent();
    event.setDetailType("CloudWatch Alarm Configuration Change");
    assertThat(handler(Set.of("ALARM")).handle(event)).isEqualTo(Outcome.IGNORED_NOT_AN_ALARM_EVENT);
    assertThat(tagLookups).isEmpty();
  }

  @Test
  void forwardStatesSettingIsValidated() {
    assertThat(AlarmBridgeHandler.forwardStates(" ")).containsExactly("ALARM");
    assertThat(AlarmBridgeHandler.forwardStates("ok,insufficient_data")).containsExactlyInAnyOrder("OK",
        "INSUFFICIENT_DATA");
    assertThatThrownBy(() -> AlarmBridgeHandler.forwardStates("ALARM,FIRING"))
        .hasMessageContaining("unknown alarm state 'FIRING'");
  }

  @Test
  void cloudWatchTimestampsParseInEveryShapeTheyComeIn() {
    Instant expected = Instant.parse("2026-11-26T19:04:40.985Z");
    assertThat(AlarmStateChange.parseTimestamp("2026-11-26T19:04:40.985+0000")).isEqualTo(expected);
    assertThat(AlarmStateChange.parseTimestamp("2026-11-26T19:04:40.985Z")).isEqualTo(expected);
    assertThat(AlarmStateChange.parseTimestamp("2026-11-26T20:04:40.985+01:00")).isEqualTo(expected);
    assertThat(AlarmStateChange.parseTimestamp("2026-11-26T19:04:40Z"))
        .isEqualTo(Instant.parse("2026-11-26T19:04:40Z"));
    assertThatThrownBy(() -> AlarmStateChange.parseTimestamp("yesterday"))
        .hasMessageContaining("'yesterday'");
  }

  @Test
  void missingStateTimestampFallsBackToTheEventTime() {
    ScheduledEvent event = alarmEvent();
    @SuppressWarnings("unchecked")
    Map<String, Object> state = new LinkedHashMap<>((Map<String, Object>) event.getDetail().get("state"));
    state.remove("timestamp");
    Map<String, Object> detail = new LinkedHashMap<>(event.getDetail());
    detail.put("state", state);
    event.setDetail(detail);
    assertThat(AlarmStateChange.from(event).timestamp()).isEqualTo(Instant.parse("2026-11-26T19:04:40Z"));
  }
}
