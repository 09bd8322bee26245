package dev.safedeploy.workflows.pipeline;

/**
 * A run's production lease as the status shows it.
 *
 * @param holderWorkflowId who holds the lease: another run while this one is QUEUED or REFUSED, this run when HELD
 * @param position place in line while QUEUED (1 = next), else 0
 */
public record ProdLease(String endpoint, State state, String holderWorkflowId, String holderVersion, int position) {

  public enum State {
    ASKED,
    QUEUED,
    HELD,
    REFUSED,
    RELEASED
  }
}
