package dev.safedeploy.platform.serving;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * One variant's invocation metrics in 100 ms buckets over the last hour (a ring), so alarms can take any period of a
 * tenth of a second or more, plus totals since start.
 */
public final class VariantMetrics {
  static final long BUCKET_MILLIS = 100;
  private static final int RING = 36_000;

  /** One bucket's sums. */
  static final class Bucket {
    final long slot;
    final LongAdder invocations = new LongAdder();
    final LongAdder errors4xx = new LongAdder();
    final LongAdder errors5xx = new LongAdder();
    final LongAdder latencySumMicros = new LongAdder();
    final LatencyHistogram latency = new LatencyHistogram();

    Bucket(long slot) {
      this.slot = slot;
    }
  }

  /** Sums over a window; latency in microseconds. */
  public record Window(long invocations, long errors4xx, long errors5xx, long latencySumMicros, long[] histogram) {
    public double latencyPercentileMicros(double p) {
      return LatencyHistogram.percentile(histogram, p);
    }

    public double latencyAverageMicros() {
      return invocations == 0 ? Double.NaN : (double) latencySumMicros / invocations;
    }
  }

  private final AtomicReferenceArray<Bucket> ring = new AtomicReferenceArray<>(RING);
  final AtomicLong totalInvocations = new AtomicLong();
  final AtomicLong total4xx = new AtomicLong();
  final AtomicLong total5xx = new AtomicLong();
  private final SampleRing samples;

  public VariantMetrics() {
    this(SampleRing.DEFAULT_CAPACITY);
  }

  public VariantMetrics(int sampleCapacity) {
    samples = new SampleRing(sampleCapacity);
  }

  /** Records one invocation that reached the variant's model server (or failed trying). */
  public void record(long atMillis, int status, long latencyMicros) {
    record(atMillis, status, latencyMicros, Double.NaN);
  }

  /** As {@link #record(long, int, long)}, keeping the request as a sample with the answer's prediction. */
  public void record(long atMillis, int status, long latencyMicros, double prediction) {
    samples.add(atMillis, latencyMicros, status, prediction);
    Bucket b = bucket(atMillis / BUCKET_MILLIS);
    b.invocations.increment();
    totalInvocations.incrementAndGet();
    if (status >= 400 && status < 500) {
      b.errors4xx.increment();
      total4xx.incrementAndGet();
    } else if (status >= 500) {
      b.errors5xx.increment();
      total5xx.incrementAndGet();
    }
    b.latencySumMicros.add(latencyMicros);
    b.latency.record(latencyMicros);
  }

  private Bucket bucket(long slot) {
    int i = (int) (slot % RING);
    while (true) {
      Bucket b = ring.get(i);
      if (b != null && b.slot == slot) {
        return b;
      }
      if (b != null && b.slot > slot) {
        return new Bucket(slot); // a late write to a slot already reused: counted nowhere, it is an hour old
      }
      Bucket fresh = new Bucket(slot);
      if (ring.compareAndSet(i, b, fresh)) {
        return fresh;
      }
    }
  }

  /** Sums over [fromMillis, toMillis), bucket-aligned (a bucket counts when it starts inside the window). */
  public Window window(long fromMillis, long toMillis, boolean withHistogram) {
    long from = Math.floorDiv(fromMillis, BUCKET_MILLIS);
    long to = Math.floorDiv(toMillis, BUCKET_MILLIS);
    long inv = 0;
    long e4 = 0;
    long e5 = 0;
    long lat = 0;
    long[] hist = withHistogram ? new long[LatencyHistogram.BINS] : null;
    for (long slot = Math.max(from, to - RING + 1); slot < to; slot++) {
      Bucket b = ring.get((int) (slot % RING));
      if (b == null || b.slot != slot) {
        continue;
      }
      inv += b.invocations.sum();
      e4 += b.errors4xx.sum();
      e5 += b.errors5xx.sum();
      lat += b.latencySumMicros.sum();
      if (hist != null) {
        b.latency.addTo(hist);
      }
    }
    return new Window(inv, e4, e5, lat, hist);
  }

  /** The raw per-request samples of [fromMillis, toMillis) still held. */
  public SampleRing.Samples samples(long fromMillis, long toMillis) {
    return samples.between(fromMillis, toMillis);
  }

  public long totalInvocations() {
    return totalInvocations.get();
  }
}
