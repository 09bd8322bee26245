package dev.safedeploy.starter.runs;

import java.time.Instant;

/** One line of {@code safedeploy list}. */
public record RunSummary(
    String workflowId,
    String runId,
    String model,
    String version,
    String stage,
    String outcome,
    String executionStatus,
    Instant startTime,
    Instant closeTime) {}
