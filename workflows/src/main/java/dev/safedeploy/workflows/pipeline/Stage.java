package dev.safedeploy.workflows.pipeline;

/** The pipeline's stages, in the order a successful run passes them. ROLLBACK and DONE are terminal bookkeeping. */
public enum Stage {
  BUILD,
  TRAIN,
  QUALITY_GATE,
  BASELINE,
  DEPLOY_DEV,
  AWAIT_APPROVAL,
  /** Approved, waiting in line for the production endpoint: another run holds its lease (canary or watch window). */
  QUEUED_FOR_PROD,
  DEPLOY_PROD,
  MONITOR,
  ROLLBACK,
  DONE
}
