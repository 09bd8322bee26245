package dev.safedeploy.workflows.activities;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The one rule every hook applies, whatever runs it (the local adapter, the AWS adapter, the CodeDeploy hook
 * Lambdas): an answer holds exactly one finite prediction per row sent, and the p99 of the requests' latencies is
 * within the bound. Answers may be CSV (one per line, or comma-separated on one line) or JSON arrays/objects of
 * numbers ({@code [12.5]}, {@code {"predictions":[{"score":12.5}]}}). Pure: no I/O, no clock.
 */
public final class HookVerdict {

  private HookVerdict() {}

  /**
   * The predictions in an answer body, in order.
   *
   * @throws IllegalArgumentException naming the first value that is not a finite number
   */
  public static List<Double> predictions(String body) {
    List<Double> values = new ArrayList<>();
    if (body == null) {
      return values;
    }
    String numbers = body.replaceAll("\"[A-Za-z_][A-Za-z0-9_]*\"\\s*:", " ").replaceAll("[\\[\\]{}\"]", " ");
    for (String token : numbers.split("[,\\s]+")) {
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

  /** What is wrong with an answer to {@code rows} rows, or null when it holds one finite prediction per row. */
  public static String answerProblem(String body, int rows) {
    if (body == null || body.isBlank()) {
      return "an empty answer";
    }
    List<Double> p;
    try {
      p = predictions(body);
    } catch (IllegalArgumentException e) {
      return e.getMessage() + " in '" + abbreviate(body) + "'";
    }
    return p.size() == rows ? null
        : p.size() + " predictions for " + rows + (rows == 1 ? " row" : " rows") + ": '" + abbreviate(body) + "'";
  }

  /** What is wrong with the requests' latencies, or null when their p99 is within {@code boundMillis}. */
  public static String latencyProblem(List<Long> latenciesMillis, long boundMillis) {
    long p99 = p99(latenciesMillis);
    return p99 <= boundMillis ? null : "p99 latency " + p99 + " ms over the " + boundMillis + " ms bound";
  }

  /** Nearest-rank p99 (a single request's latency is its own p99); 0 for none. */
  public static long p99(List<Long> latenciesMillis) {
    if (latenciesMillis == null || latenciesMillis.isEmpty()) {
      return 0;
    }
    List<Long> sorted = new ArrayList<>(latenciesMillis);
    Collections.sort(sorted);
    return sorted.get(Math.max(0, (int) Math.ceil(0.99 * sorted.size()) - 1));
  }

  public static String abbreviate(String text) {
    if (text == null) {
      return "null";
    }
    return text.length() <= 200 ? text : text.substring(0, 200) + "...";
  }
}
