package dev.safedeploy.lambdas.hooks;

/** What a traffic hook verifies before CodeDeploy may go on; may throw, which counts as a failed check. */
@FunctionalInterface
public interface TrafficCheck {

  CheckResult check() throws Exception;
}
