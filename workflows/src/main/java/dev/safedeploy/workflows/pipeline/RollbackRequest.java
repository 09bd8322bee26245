package dev.safedeploy.workflows.pipeline;

/** An operator's request to roll back, honoured at any stage and during the watch window after promotion. */
public record RollbackRequest(String operator, String reason) {}
