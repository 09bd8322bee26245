package dev.safedeploy.platform.api;

/**
 * One variant's per-request samples over a window, column by column, oldest first (the canary judge's input).
 *
 * @param status HTTP status the router answered (5xx: an error)
 * @param prediction the mean prediction of the answer; null when it had none (an error)
 * @param truncated the window reaches back past the oldest sample the bounded buffer still holds
 */
public record VariantSamples(long[] atMillis, long[] latencyMicros, int[] status, Double[] prediction,
    boolean truncated) {

  public int size() {
    return atMillis == null ? 0 : atMillis.length;
  }
}
