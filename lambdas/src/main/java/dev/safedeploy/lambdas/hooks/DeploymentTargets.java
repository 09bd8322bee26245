package dev.safedeploy.lambdas.hooks;

/** The Lambda version a CodeDeploy deployment moves its alias to: what a pre-traffic hook must test. */
public interface DeploymentTargets {

  /**
   * @return {@code function:version} of the deployment's target
   * @throws RuntimeException when the deployment cannot be read or names no Lambda target
   */
  String targetVersion(String deploymentId);
}
