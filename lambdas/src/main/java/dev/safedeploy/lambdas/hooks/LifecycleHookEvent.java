package dev.safedeploy.lambdas.hooks;

import java.util.Map;

/**
 * The event CodeDeploy sends a Lambda lifecycle hook:
 * {@code {"DeploymentId": ..., "LifecycleEventHookExecutionId": ...}}.
 * Both ids are needed to report the hook's status back.
 */
public record LifecycleHookEvent(String deploymentId, String executionId) {

  public static LifecycleHookEvent from(Map<String, ?> event) {
    if (event == null) {
      throw new IllegalArgumentException("empty event: expected a CodeDeploy lifecycle hook event");
    }
    String deploymentId = text(event.get("DeploymentId"));
    String executionId = text(event.get("LifecycleEventHookExecutionId"));
    if (deploymentId == null || executionId == null) {
      throw new IllegalArgumentException("not a CodeDeploy lifecycle hook event: DeploymentId and"
          + " LifecycleEventHookExecutionId are required, got keys " + event.keySet());
    }
    return new LifecycleHookEvent(deploymentId, executionId);
  }

  private static String text(Object value) {
    return value == null || value.toString().isBlank() ? null : value.toString();
  }
}
