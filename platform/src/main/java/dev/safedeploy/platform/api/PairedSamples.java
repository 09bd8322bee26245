package dev.safedeploy.platform.api;

/**
 * Shadow traffic over a window: per mirrored request, the prediction the client got and the shadow variant's for the
 * same rows, oldest first.
 *
 * @param truncated the window reaches back past the oldest pair the bounded buffer still holds
 */
public record PairedSamples(long[] atMillis, double[] served, double[] shadow, boolean truncated) {

  public int size() {
    return atMillis == null ? 0 : atMillis.length;
  }
}
