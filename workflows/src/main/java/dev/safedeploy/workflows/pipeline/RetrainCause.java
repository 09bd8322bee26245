package dev.safedeploy.workflows.pipeline;

import java.time.Instant;

/**
 * Why a run exists when a retrain started it: what its summary, history, approval message and Web UI show.
 *
 * @param kind ALARM, SCHEDULE or MANUAL
 * @param alarmName the drift alarm that fired (ALARM)
 * @param value the alarm's datapoint when its reason names one (ALARM; may be null)
 * @param reason the alarm's state reason, or the operator's reason (may be null)
 * @param scheduleId the Temporal Schedule that fired (SCHEDULE)
 * @param by who asked (MANUAL), or what delivered the cause
 * @param at when the cause happened on its own clock (may be null)
 * @param description one line, e.g. "drift alarm nyctaxi-prod-drift-total_amount at 0.44"
 */
public record RetrainCause(String kind, String alarmName, Double value, String reason, String scheduleId, String by,
    Instant at, String description) {}
