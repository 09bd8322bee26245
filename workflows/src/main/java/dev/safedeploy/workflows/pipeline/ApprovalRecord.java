package dev.safedeploy.workflows.pipeline;

import java.time.Instant;

/** A decision the workflow accepted (or, with accepted=false, refused and why), for the audit trail. */
public record ApprovalRecord(
    boolean approved, String approver, String comment, String via, Instant at, boolean accepted, String refusal) {}
