package dev.safedeploy.workflows.judge;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A distribution summarised by its nearest-rank quantiles at 0, 5, 10, … 100 percent (21 values, ascending): small
 * enough to keep in every judgement, enough to plot blue against green afterwards ({@code safedeploy report}).
 *
 * @param values the quantiles, {@link #STEPS} + 1 of them, ascending
 * @param count how many samples they summarise
 */
public record Quantiles(List<Double> values, long count) {

  /** Quantile spacing: 100 / STEPS percent. */
  public static final int STEPS = 20;

  public Quantiles {
    values = values == null ? List.of() : List.copyOf(values);
  }

  /** The quantiles of these samples; null when there are none (nothing to plot). */
  public static Quantiles of(double[] samples) {
    if (samples == null || samples.length == 0) {
      return null;
    }
    double[] sorted = samples.clone();
    Arrays.sort(sorted);
    List<Double> q = new ArrayList<>(STEPS + 1);
    for (int i = 0; i <= STEPS; i++) {
      q.add(nearestRank(sorted, percentAt(i)));
    }
    return new Quantiles(q, sorted.length);
  }

  /** The nearest-rank percentile ({@code percent} in [0, 100]) of ascending, non-empty samples. */
  public static double nearestRank(double[] sorted, double percent) {
    int rank = (int) Math.ceil(percent / 100.0 * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
  }

  /** The percent level of quantile {@code i}. */
  public static double percentAt(int i) {
    return 100.0 * i / STEPS;
  }
}
