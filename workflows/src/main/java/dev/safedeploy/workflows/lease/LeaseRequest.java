package dev.safedeploy.workflows.lease;

/** Asks for the production lease of {@code endpoint}; sending it twice is harmless (answered again). */
public record LeaseRequest(String endpoint, LeaseHolder requester, LeaseMode mode) {

  public LeaseRequest {
    mode = mode == null ? LeaseMode.QUEUE : mode;
  }
}
