package dev.safedeploy.workflows.lease;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The lease of one production endpoint: who holds it and who waits, in order. The lease workflow's input (carried over
 * continue-as-new) and what its {@code state} query answers.
 *
 * @param livenessInterval how often the holder is checked while someone waits (a terminated holder runs no code and
 *     cannot release); default 1 min
 * @param historyLimit history length after which the lease workflow continues as new; default 1000 events
 */
public record LeaseState(String endpoint, LeaseHolder holder, Instant heldSince, List<LeaseHolder> queue,
    Duration livenessInterval, Integer historyLimit) {

  public LeaseState {
    queue = queue == null ? List.of() : List.copyOf(queue);
    livenessInterval = livenessInterval == null ? Duration.ofMinutes(1) : livenessInterval;
    historyLimit = historyLimit == null ? 1000 : historyLimit;
  }

  public static LeaseState free(String endpoint) {
    return new LeaseState(endpoint, null, null, List.of(), null, null);
  }
}
