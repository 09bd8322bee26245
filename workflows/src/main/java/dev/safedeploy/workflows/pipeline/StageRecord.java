package dev.safedeploy.workflows.pipeline;

import java.time.Instant;

/** When a stage started and ended (null while running), with a short note on how it went. */
public record StageRecord(Stage stage, Instant startedAt, Instant endedAt, String note) {}
