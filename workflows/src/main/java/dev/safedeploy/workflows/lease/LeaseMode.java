package dev.safedeploy.workflows.lease;

/** What a run does when another run holds the production endpoint's lease. */
public enum LeaseMode {
  /** Wait in line (FIFO) and go on when the lease is free. */
  QUEUE,
  /** End at once with a clear outcome instead of waiting. */
  REFUSE
}
