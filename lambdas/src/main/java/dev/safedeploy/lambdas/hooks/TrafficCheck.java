package dev.safedeploy.lambdas.hooks;

/** What a traffic hook verifies before CodeDeploy may go on; may throw, which counts as a failed check. */
@FunctionalInterface
public interface TrafficCheck {

  /** @param event the deployment being checked */
  CheckResult check(LifecycleHookEvent event) throws Exception;
}
