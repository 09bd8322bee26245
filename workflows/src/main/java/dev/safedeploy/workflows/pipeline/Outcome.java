package dev.safedeploy.workflows.pipeline;

/** How a run ended. Every outcome comes with a human-readable reason in {@link PipelineResult}. */
public enum Outcome {
  PROMOTED,
  REJECTED,
  APPROVAL_TIMED_OUT,
  FAILED_QUALITY_GATE,
  ROLLED_BACK,
  /** Another run held the production endpoint and policy prodLease is REFUSE; production untouched. */
  PROD_BUSY,
  FAILED
}
