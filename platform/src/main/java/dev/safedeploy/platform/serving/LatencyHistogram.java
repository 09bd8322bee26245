package dev.safedeploy.platform.serving;

import java.util.concurrent.atomic.AtomicLongArray;

/** Log-scaled latency histogram in microseconds: 8% wide bins from 1 us to about 20 s, enough for p50/p99. */
final class LatencyHistogram {
  static final int BINS = 220;
  private static final double GROWTH = 1.08;
  private static final double LOG_GROWTH = Math.log(GROWTH);

  private final AtomicLongArray counts = new AtomicLongArray(BINS);

  void record(long micros) {
    counts.incrementAndGet(bin(micros));
  }

  static int bin(long micros) {
    if (micros <= 1) {
      return 0;
    }
    return Math.min(BINS - 1, (int) (Math.log(micros) / LOG_GROWTH));
  }

  /** A bin's representative value: the geometric middle of its bounds. */
  static double value(int bin) {
    return Math.pow(GROWTH, bin + 0.5);
  }

  void addTo(long[] into) {
    for (int i = 0; i < BINS; i++) {
      into[i] += counts.get(i);
    }
  }

  /** The percentile (0-100] of merged counts, NaN when empty. */
  static double percentile(long[] merged, double p) {
    long total = 0;
    for (long c : merged) {
      total += c;
    }
    if (total == 0) {
      return Double.NaN;
    }
    long rank = (long) Math.ceil(p / 100.0 * total);
    long seen = 0;
    for (int i = 0; i < merged.length; i++) {
      seen += merged[i];
      if (seen >= Math.max(1, rank)) {
        return value(i);
      }
    }
    return value(merged.length - 1);
  }
}
