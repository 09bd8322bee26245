package dev.safedeploy.workflows.pipeline;

/** The pipeline's stages, in the order a successful run passes them. ROLLBACK and DONE are terminal bookkeeping. */
public enum Stage {
  BUILD,
  TRAIN,
  QUALITY_GATE,
  BASELINE,
  DEPLOY_DEV,
  AWAIT_APPROVAL,
  DEPLOY_PROD,
  MONITOR,
  ROLLBACK,
  DONE
}
