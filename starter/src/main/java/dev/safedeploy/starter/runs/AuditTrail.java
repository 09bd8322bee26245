package dev.safedeploy.starter.runs;

import java.util.List;

/** A run's audit trail, oldest first, built from its Temporal history and its status. */
public record AuditTrail(String workflowId, String runId, String executionStatus, List<AuditEntry> entries) {}
