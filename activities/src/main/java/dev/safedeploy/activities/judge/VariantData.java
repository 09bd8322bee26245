package dev.safedeploy.activities.judge;

import java.util.Arrays;

/**
 * One variant's requests in a window, as the judge reads them.
 *
 * @param latencyMillis the latency samples: every request's where the backend records them (local), per-period
 *     aggregates where it keeps only those (CloudWatch on AWS)
 * @param errors how many requests were answered 5xx
 * @param predictions the predictions of the requests answered with one
 * @param requests how many requests the variant answered (the error rate's denominator)
 */
public record VariantData(double[] latencyMillis, long errors, double[] predictions, long requests) {

  public VariantData {
    if (requests < 0 || errors < 0 || errors > requests) {
      throw new IllegalArgumentException("errors must be in [0, requests], got " + errors + " of " + requests);
    }
  }

  /** Per-request samples: one latency per request. */
  public VariantData(double[] latencyMillis, long errors, double[] predictions) {
    this(latencyMillis, errors, predictions, latencyMillis.length);
  }

  public int latencySamples() {
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
