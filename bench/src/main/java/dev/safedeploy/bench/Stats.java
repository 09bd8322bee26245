package dev.safedeploy.bench;

import java.util.Arrays;
import java.util.Collection;
import org.HdrHistogram.DoubleHistogram;

/**
 * Percentiles over measured samples (milliseconds, usually), from an HdrHistogram kept to three significant digits;
 * count, min, max, mean and sum are exact.
 */
public final class Stats {

  private static final int SIGNIFICANT_DIGITS = 3;

  private final DoubleHistogram histogram;
  private final double[] samples;

  private Stats(double[] samples) {
    this.samples = samples;
    this.histogram = new DoubleHistogram(SIGNIFICANT_DIGITS);
    for (double v : samples) {
      if (!(v >= 0) || Double.isInfinite(v)) {
        throw new IllegalArgumentException("a sample must be a finite number >= 0, got " + v);
      }
      histogram.recordValue(v);
    }
  }

  public static Stats of(Collection<? extends Number> samples) {
    return new Stats(samples.stream().mapToDouble(Number::doubleValue).toArray());
  }

  public static Stats of(double... samples) {
    return new Stats(samples.clone());
  }

  public int count() {
    return samples.length;
  }

  /**
   * The smallest recorded value with at least p% of the samples at or below it (nearest rank), to three significant
   * digits; NaN when empty.
   */
  public double percentile(double p) {
    if (samples.length == 0) {
      return Double.NaN;
    }
    if (p <= 0) {
      return min();
    }
    if (p >= 100) {
      return max();
    }
    double v = histogram.lowestEquivalentValue(histogram.getValueAtPercentile(p));
    // the bucket's lower bound may sit just under the smallest sample; never report below it or above the largest
    return Math.min(max(), Math.max(min(), v));
  }

  public double p50() {
    return percentile(50);
  }

  public double p99() {
    return percentile(99);
  }

  public double max() {
    return samples.length == 0 ? Double.NaN : Arrays.stream(samples).max().getAsDouble();
  }

  public double min() {
    return samples.length == 0 ? Double.NaN : Arrays.stream(samples).min().getAsDouble();
  }

  public double mean() {
    return samples.length == 0 ? Double.NaN : sum() / samples.length;
  }

  public double sum() {
    return Arrays.stream(samples).sum();
  }
}
