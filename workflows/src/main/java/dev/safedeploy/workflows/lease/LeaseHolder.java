package dev.safedeploy.workflows.lease;

/**
 * A run that holds or waits for a production lease. Identified by its workflow id alone: pipeline ids are unique per
 * model version (a second start is refused), and a reset run keeps its id.
 */
public record LeaseHolder(String workflowId, String model, String version) {

  boolean sameRun(LeaseHolder other) {
    return other != null && workflowId.equals(other.workflowId);
  }

  @Override
  public String toString() {
    return workflowId + " (" + version + ")";
  }
}
