package dev.safedeploy.starter.runs;

import java.time.Instant;

/**
 * One line of a run's audit trail.
 *
 * @param kind REQUESTED, RETRAIN_CAUSE (the drift alarm, schedule or operator a retrain run was started for),
 *     STAGE_STARTED, STAGE_ENDED, APPROVED, REJECTED, DECISION_REFUSED, APPROVE_SIGNAL,
 *     REJECT_SIGNAL, ALARM, ROLLBACK_REQUESTED, OUTCOME, FAILED, CANCELED, TERMINATED, TIMED_OUT
 * @param actor who did it (requester, approver, operator, alarm name), when known
 */
public record AuditEntry(Instant at, String kind, String actor, String detail) {}
