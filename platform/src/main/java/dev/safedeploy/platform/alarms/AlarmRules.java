package dev.safedeploy.platform.alarms;

import dev.safedeploy.platform.api.AlarmDefinition;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** CloudWatch's alarm semantics, pure: validation, comparison, and "M out of N" with missing-data treatment. */
public final class AlarmRules {
  public static final String OK = "OK";
  public static final String ALARM = "ALARM";
  public static final String INSUFFICIENT_DATA = "INSUFFICIENT_DATA";

  static final Set<String> OPERATORS = Set.of("GreaterThanThreshold", "GreaterThanOrEqualToThreshold",
      "LessThanThreshold", "LessThanOrEqualToThreshold");
  static final Set<String> MISSING = Set.of("missing", "ignore", "breaching", "notBreaching");
  static final Set<String> STATISTICS = Set.of("Sum", "Average", "Minimum", "Maximum", "SampleCount");

  private AlarmRules() {}

  /** A new state and its reason. */
  public record Decision(String state, String reason) {}

  /** What is wrong with the definition, empty when nothing. */
  public static List<String> problems(AlarmDefinition d) {
    List<String> p = new ArrayList<>();
    if (d.name() == null || d.name().isBlank()) {
      p.add("alarm name is required");
    }
    if (d.metricName() == null || d.metricName().isBlank()) {
      p.add("metricName is required");
    }
    if (d.endpoint() == null || d.endpoint().isBlank()) {
      p.add("dimension endpoint is required");
    }
    if (d.statistic() == null || !(STATISTICS.contains(d.statistic()) || percentile(d.statistic()) != null)) {
      p.add("statistic must be one of " + STATISTICS + " or pNN, got '" + d.statistic() + "'");
    }
    if (!(d.periodSeconds() > 0)) {
      p.add("periodSeconds must be positive, got " + d.periodSeconds());
    }
    if (d.evaluationPeriods() < 1) {
      p.add("evaluationPeriods must be at least 1, got " + d.evaluationPeriods());
    }
    if (d.datapointsToAlarm() < 1 || d.datapointsToAlarm() > d.evaluationPeriods()) {
      p.add("datapointsToAlarm must be in [1, evaluationPeriods], got " + d.datapointsToAlarm());
    }
    if (!OPERATORS.contains(d.comparisonOperator())) {
      p.add("comparisonOperator must be one of " + OPERATORS + ", got '" + d.comparisonOperator() + "'");
    }
    if (d.minimumSampleCount() < 0) {
      p.add("minimumSampleCount must be zero or more, got " + d.minimumSampleCount());
    }
    if (!MISSING.contains(d.treatMissingData())) {
      p.add("treatMissingData must be one of " + MISSING + ", got '" + d.treatMissingData() + "'");
    }
    return p;
  }

  /** The percentile of a pNN statistic (p99 -> 99.0, p99.9 -> 99.9), null when not one. */
  public static Double percentile(String statistic) {
    if (statistic == null || statistic.length() < 2 || Character.toLowerCase(statistic.charAt(0)) != 'p') {
      return null;
    }
    try {
      double v = Double.parseDouble(statistic.substring(1));
      return v > 0 && v <= 100 ? v : null;
    } catch (NumberFormatException e) {
      return null;
    }
  }

  public static boolean breaches(String operator, double value, double threshold) {
    return switch (operator) {
      case "GreaterThanThreshold" -> value > threshold;
      case "GreaterThanOrEqualToThreshold" -> value >= threshold;
      case "LessThanThreshold" -> value < threshold;
      case "LessThanOrEqualToThreshold" -> value <= threshold;
      default -> throw new IllegalArgumentException("unknown comparison operator " + operator);
    };
  }

  /**
   * Evaluates the last N periods, newest last; a null datapoint is a period without data.
   *
   * <p>missing: periods without data do not count; all missing is INSUFFICIENT_DATA. ignore: like missing, but all
   * missing keeps the current state. breaching / notBreaching: a missing period counts as that.
   */
  public static Decision evaluate(AlarmDefinition d, List<Double> datapoints, String current) {
    int breaching = 0;
    int present = 0;
    Double last = null;
    for (Double v : datapoints) {
      if (v == null) {
        switch (d.treatMissingData()) {
          case "breaching" -> {
            breaching++;
            present++;
          }
          case "notBreaching" -> present++;
          default -> { }
        }
      } else {
        present++;
        last = v;
        if (breaches(d.comparisonOperator(), v, d.threshold())) {
          breaching++;
        }
      }
    }
    String what = d.metricName() + " " + d.statistic() + " " + symbol(d.comparisonOperator()) + " "
        + fmt(d.threshold());
    if (breaching >= d.datapointsToAlarm()) {
      return new Decision(ALARM, String.format(Locale.ROOT,
          "Threshold Crossed: %d out of the last %d datapoints breached %s (most recent %s)", breaching,
          datapoints.size(), what, last == null ? "missing" : fmt(last)));
    }
    if (present == 0) {
      if ("ignore".equals(d.treatMissingData()) && current != null) {
        return new Decision(current, "no data in the last " + datapoints.size() + " periods; state kept");
      }
      return new Decision(INSUFFICIENT_DATA, "no data in the last " + datapoints.size() + " periods");
    }
    return new Decision(OK, String.format(Locale.ROOT, "%d out of the last %d datapoints breached %s (%d needed)",
        breaching, datapoints.size(), what, d.datapointsToAlarm()));
  }

  private static String symbol(String op) {
    return switch (op) {
      case "GreaterThanThreshold" -> ">";
      case "GreaterThanOrEqualToThreshold" -> ">=";
      case "LessThanThreshold" -> "<";
      default -> "<=";
    };
  }

  private static String fmt(double v) {
    return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : String.format(Locale.ROOT, "%.4g", v);
  }
}
