package dev.safedeploy.lambdas.hooks;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads a regression endpoint's text/csv answer. SageMaker's XGBoost container answers one prediction per line in
 * recent versions and comma-separated on one line in older ones; both are accepted.
 */
final class Predictions {

  private Predictions() {}

  /** @throws IllegalArgumentException naming the first value that is not a finite number */
  static List<Double> parse(String body) {
    List<Double> values = new ArrayList<>();
    if (body == null) {
      return values;
    }
    for (String token : body.split("[,\\s]+")) {
      if (token.isEmpty()) {
        continue;
      }
      double value;
      try {
        value = Double.parseDouble(token);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("prediction " + (values.size() + 1) + " is not a number: '"
            + abbreviate(token) + "'");
      }
      if (!Double.isFinite(value)) {
        throw new IllegalArgumentException("prediction " + (values.size() + 1) + " is not finite: " + token);
      }
      values.add(value);
    }
    return values;
  }

  /** The common verdict: one finite prediction per row, within the latency bound. */
  static CheckResult verdict(String what, SampleRows rows, String body, long elapsedMillis, long maxLatencyMillis) {
    List<Double> predictions;
    try {
      predictions = parse(body);
    } catch (IllegalArgumentException e) {
      return CheckResult.failed(what + ": " + e.getMessage());
    }
    if (predictions.size() != rows.size()) {
      return CheckResult.failed(what + " answered " + predictions.size() + " predictions for " + rows.size()
          + " rows: '" + abbreviate(body) + "'");
    }
    if (elapsedMillis > maxLatencyMillis) {
      return CheckResult.failed(what + " took " + elapsedMillis + " ms for " + rows.size() + " rows, over the "
          + maxLatencyMillis + " ms bound");
    }
    return CheckResult.passed(what + " answered " + predictions.size() + " predictions in " + elapsedMillis + " ms");
  }

  static String abbreviate(String text) {
    if (text == null) {
      return "null";
    }
    return text.length() <= 200 ? text : text.substring(0, 200) + "...";
  }
}
