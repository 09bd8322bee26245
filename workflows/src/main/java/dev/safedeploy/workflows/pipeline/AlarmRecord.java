package dev.safedeploy.workflows.pipeline;

import java.time.Instant;

/** An alarm the workflow saw: how (SIGNAL or POLL), when, and whether it acted on it. */
public record AlarmRecord(
    String alarmName, String state, String reason, Instant transitionedAt, Instant receivedAt, String source,
    String action) {}
