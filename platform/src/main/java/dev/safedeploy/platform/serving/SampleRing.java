package dev.safedeploy.platform.serving;

import java.util.Arrays;

/**
 * One variant's most recent invocations, one entry per request (the canary judge's raw data: rank tests need samples,
 * not the alarm buckets' sums). Bounded: the oldest entry is overwritten, so memory stays fixed however long the
 * variant serves; a read says when the window asked for reaches back past what is still held.
 */
public final class SampleRing {
  public static final int DEFAULT_CAPACITY = 50_000;

  /** Samples in [fromMillis, toMillis), oldest first; prediction is NaN when the answer had none (an error). */
  public record Samples(long[] atMillis, long[] latencyMicros, int[] status, double[] prediction, boolean truncated) {
    public int size() {
      return atMillis.length;
    }
  }

  private final int capacity;
  private final long[] at;
  private final long[] latency;
  private final int[] status;
  private final double[] prediction;
  private long written;

  public SampleRing(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("sample ring capacity must be positive, got " + capacity);
    }
    this.capacity = capacity;
    at = new long[capacity];
    latency = new long[capacity];
    status = new int[capacity];
    prediction = new double[capacity];
  }

  /** A few stores under a lock no reader holds for long: the router's path pays nanoseconds. */
  public synchronized void add(long atMillis, long latencyMicros, int httpStatus, double predicted) {
    int i = (int) (written % capacity);
    at[i] = atMillis;
    latency[i] = latencyMicros;
    status[i] = httpStatus;
    prediction[i] = predicted;
    written++;
  }

  public synchronized long written() {
    return written;
  }

  public synchronized Samples between(long fromMillis, long toMillis) {
    long oldest = Math.max(0, written - capacity);
    int n = (int) (written - oldest);
    // entries are in arrival order; arrival times can be a millisecond out of order across threads, so scan all held
    long[] a = new long[n];
    long[] l = new long[n];
    int[] s = new int[n];
    double[] p = new double[n];
    int k = 0;
    for (long w = oldest; w < written; w++) {
      int i = (int) (w % capacity);
      if (at[i] >= fromMillis && at[i] < toMillis) {
        a[k] = at[i];
        l[k] = latency[i];
        s[k] = status[i];
        p[k] = prediction[i];
        k++;
      }
    }
    boolean truncated = oldest > 0 && at[(int) (oldest % capacity)] > fromMillis;
    return new Samples(Arrays.copyOf(a, k), Arrays.copyOf(l, k), Arrays.copyOf(s, k), Arrays.copyOf(p, k),
        truncated);
  }
}
