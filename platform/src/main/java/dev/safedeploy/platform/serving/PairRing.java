package dev.safedeploy.platform.serving;

import java.util.Arrays;

/**
 * Shadow traffic's evidence: for each mirrored request, the prediction the client got (from the serving variant) and
 * the shadow variant's prediction for the same rows. Bounded like {@link SampleRing}.
 */
public final class PairRing {

  /** Pairs in [fromMillis, toMillis), oldest first. */
  public record Pairs(long[] atMillis, double[] served, double[] shadow, boolean truncated) {
    public int size() {
      return atMillis.length;
    }
  }

  private final int capacity;
  private final long[] at;
  private final double[] served;
  private final double[] shadow;
  private long written;

  public PairRing(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("pair ring capacity must be positive, got " + capacity);
    }
    this.capacity = capacity;
    at = new long[capacity];
    served = new double[capacity];
    shadow = new double[capacity];
  }

  public synchronized void add(long atMillis, double servedPrediction, double shadowPrediction) {
    int i = (int) (written % capacity);
    at[i] = atMillis;
    served[i] = servedPrediction;
    shadow[i] = shadowPrediction;
    written++;
  }

  public synchronized Pairs between(long fromMillis, long toMillis) {
    long oldest = Math.max(0, written - capacity);
    int n = (int) (written - oldest);
    long[] a = new long[n];
    double[] s = new double[n];
    double[] m = new double[n];
    int k = 0;
    for (long w = oldest; w < written; w++) {
      int i = (int) (w % capacity);
      if (at[i] >= fromMillis && at[i] < toMillis) {
        a[k] = at[i];
        s[k] = served[i];
        m[k] = shadow[i];
        k++;
      }
    }
    boolean truncated = oldest > 0 && at[(int) (oldest % capacity)] > fromMillis;
    return new Pairs(Arrays.copyOf(a, k), Arrays.copyOf(s, k), Arrays.copyOf(m, k), truncated);
  }
}
