package dev.safedeploy.platform.api;

import java.time.Instant;
import java.util.List;

/**
 * An alarm's current state.
 *
 * @param state OK, ALARM or INSUFFICIENT_DATA
 * @param transitionedAt when it entered this state (platform clock)
 * @param watchers workflow ids told (through the AlarmSink) when it transitions to ALARM
 */
public record AlarmState(String name, String state, String reason, Instant transitionedAt, List<String> watchers) {}
