package dev.safedeploy.activities.judge;

import java.util.Arrays;

/**
 * One variant's requests in a window, as the judge reads them.
 *
 * @param latencyMillis every request's latency
 * @param errors how many of them were answered 5xx
 * @param predictions the predictions of the requests answered with one
 */
public record VariantData(double[] latencyMillis, long errors, double[] predictions) {

  public long requests() {
    return latencyMillis.length;
  }

  /** From columns of per-request samples: latency in microseconds, HTTP status, prediction (null or NaN: none). */
  public static VariantData of(long[] latencyMicros, int[] status, Double[] prediction) {
    int n = latencyMicros == null ? 0 : latencyMicros.length;
    double[] latency = new double[n];
    double[] predicted = new double[n];
    long errors = 0;
    int p = 0;
    for (int i = 0; i < n; i++) {
      latency[i] = latencyMicros[i] / 1000.0;
      if (status[i] >= 500) {
        errors++;
      }
      Double v = prediction == null ? null : prediction[i];
      if (v != null && Double.isFinite(v)) {
        predicted[p++] = v;
      }
    }
    return new VariantData(latency, errors, Arrays.copyOf(predicted, p));
  }

  public static VariantData empty() {
    return new VariantData(new double[0], 0, new double[0]);
  }
}
