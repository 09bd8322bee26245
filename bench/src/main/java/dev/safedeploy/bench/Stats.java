package dev.safedeploy.bench;

import java.util.Arrays;
import java.util.Collection;

/** Nearest-rank percentiles over measured samples (milliseconds, usually). */
public final class Stats {

  private final double[] sorted;

  private Stats(double[] sorted) {
    this.sorted = sorted;
  }

  public static Stats of(Collection<? extends Number> samples) {
    double[] values = samples.stream().mapToDouble(Number::doubleValue).sorted().toArray();
    return new Stats(values);
  }

  public static Stats of(double... samples) {
    double[] values = samples.clone();
    Arrays.sort(values);
    return new Stats(values);
  }

  public int count() {
    return sorted.length;
  }

  /** Nearest rank: the smallest sample with at least p% of the samples at or below it. NaN when empty. */
  public double percentile(double p) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    if (p <= 0) {
      return sorted[0];
    }
    int rank = (int) Math.ceil(p / 100.0 * sorted.length);
    return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
  }

  public double p50() {
    return percentile(50);
  }

  public double p99() {
    return percentile(99);
  }

  public double max() {
    return sorted.length == 0 ? Double.NaN : sorted[sorted.length - 1];
  }

  public double min() {
    return sorted.length == 0 ? Double.NaN : sorted[0];
  }

  public double mean() {
    return sorted.length == 0 ? Double.NaN : Arrays.stream(sorted).sum() / sorted.length;
  }

  public double sum() {
    return Arrays.stream(sorted).sum();
  }
}
