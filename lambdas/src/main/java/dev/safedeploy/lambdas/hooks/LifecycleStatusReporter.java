package dev.safedeploy.lambdas.hooks;

/** Tells CodeDeploy how a lifecycle hook went (PutLifecycleEventHookExecutionStatus). */
public interface LifecycleStatusReporter {

  /** @throws RuntimeException when the status could not be delivered */
  void report(LifecycleHookEvent event, boolean succeeded);
}
