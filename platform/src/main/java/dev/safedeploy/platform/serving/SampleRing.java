package dev.safedeploy.platform.serving;

import java.lang.invoke.VarHandle;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

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
  /** Sample w sits in slot w % capacity; its stamp is w + 1 once written, 0 while being written. */
  private final AtomicLongArray stamp;
  private final AtomicLong claimed = new AtomicLong();

  public SampleRing(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("sample ring capacity must be positive, got " + capacity);
    }
    this.capacity = capacity;
    at = new long[capacity];
    latency = new long[capacity];
    status = new int[capacity];
    prediction = new double[capacity];
    stamp = new AtomicLongArray(capacity);
  }

  /**
   * A slot claimed with one atomic increment and published with its stamp (a per-slot seqlock): the router's I/O
   * threads never wait on each other or on a reader here, even when one of them is descheduled mid-write.
   */
  public void add(long atMillis, long latencyMicros, int httpStatus, double predicted) {
    long w = claimed.getAndIncrement();
    int i = (int) (w % capacity);
    stamp.set(i, 0);
    VarHandle.storeStoreFence();
    at[i] = atMillis;
    latency[i] = latencyMicros;
    status[i] = httpStatus;
    prediction[i] = predicted;
    stamp.set(i, w + 1);
  }

  public long written() {
    return claimed.get();
  }

  /** Samples in [fromMillis, toMillis); one being written at this moment is left out. */
  public Samples between(long fromMillis, long toMillis) {
    long upper = claimed.get();
    long oldest = Math.max(0, upper - capacity);
    int n = (int) (upper - oldest);
    // entries are in arrival order; arrival times can be a millisecond out of order across threads, so scan all held
    long[] a = new long[n];
    long[] l = new long[n];
    int[] s = new int[n];
    double[] p = new double[n];
    int k = 0;
    for (long w = oldest; w < upper; w++) {
      int i = (int) (w % capacity);
      if (stamp.get(i) != w + 1) {
        continue; // being written, or already overwritten by a newer sample (counted in its own turn)
      }
      long ai = at[i];
      long li = latency[i];
      int si = status[i];
      double pi = prediction[i];
      VarHandle.loadLoadFence();
      if (stamp.get(i) != w + 1 || ai < fromMillis || ai >= toMillis) {
        continue;
      }
      a[k] = ai;
      l[k] = li;
      s[k] = si;
      p[k] = pi;
      k++;
    }
    boolean truncated = oldest > 0 && at[(int) (oldest % capacity)] > fromMillis;
    return new Samples(Arrays.copyOf(a, k), Arrays.copyOf(l, k), Arrays.copyOf(s, k), Arrays.copyOf(p, k),
        truncated);
  }
}
