package dev.safedeploy.workflows.pipeline;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * XGBoost hyperparameters as SageMaker takes them (string values). The seed's defaults apply to every key a request
 * leaves out; a request may override any of them.
 */
public final class Hyperparameters {

  public static final Map<String, String> SEED_DEFAULTS;

  static {
    Map<String, String> d = new LinkedHashMap<>();
    d.put("max_depth", "9");
    d.put("eta", "0.2");
    d.put("gamma", "4");
    d.put("min_child_weight", "300");
    d.put("subsample", "0.8");
    d.put("objective", "reg:squarederror");
    d.put("early_stopping_rounds", "10");
    d.put("num_round", "100");
    SEED_DEFAULTS = Map.copyOf(d);
  }

  private static final Set<String> OBJECTIVES =
      Set.of("reg:squarederror", "reg:squaredlogerror", "reg:pseudohubererror", "reg:absoluteerror", "reg:tweedie");

  /**
   * The hyperparameters SageMaker's built-in XGBoost algorithm takes. Anything else is a typo to refuse at start: a
   * misspelt key silently ignored would train with the default the author meant to override.
   */
  public static final Set<String> KNOWN = Set.of("num_round", "max_depth", "eta", "gamma", "min_child_weight",
      "subsample", "objective", "early_stopping_rounds", "alpha", "lambda", "lambda_bias", "base_score", "booster",
      "colsample_bylevel", "colsample_bynode", "colsample_bytree", "csv_weights", "deterministic_histogram", "dsplit",
      "eval_metric", "grow_policy", "interaction_constraints", "max_bin", "max_delta_step", "max_leaves",
      "monotone_constraints", "normalize_type", "nthread", "num_class", "num_parallel_tree", "one_drop",
      "process_type", "rate_drop", "refresh_leaf", "sample_type", "sampling_method", "scale_pos_weight", "seed",
      "single_precision_histogram", "sketch_eps", "skip_drop", "tree_method", "tweedie_variance_power", "updater",
      "verbosity", "huber_slope");

  private Hyperparameters() {}

  /** The seed's defaults overlaid with the request's overrides, in a stable order. */
  public static Map<String, String> withDefaults(Map<String, String> overrides) {
    Map<String, String> merged = new LinkedHashMap<>();
    for (String key : List.of("max_depth", "eta", "gamma", "min_child_weight", "subsample", "objective",
        "early_stopping_rounds", "num_round")) {
      merged.put(key, SEED_DEFAULTS.get(key));
    }
    if (overrides != null) {
      merged.putAll(overrides);
    }
    return merged;
  }

  /** Unknown keys are refused; range checks for the keys whose range we know, XGBoost has the last word on the rest. */
  static List<String> problems(Map<String, String> hp) {
    List<String> problems = new ArrayList<>();
    hp.keySet().stream().filter(k -> !KNOWN.contains(k)).sorted().forEach(k -> problems.add(
        "unknown hyperparameter '" + k + "' (SageMaker XGBoost takes " + String.join(", ",
            new java.util.TreeSet<>(KNOWN)) + ")"));
    intIn(problems, hp, "max_depth", 0, 64);
    doubleIn(problems, hp, "eta", 0.0, false, 1.0);
    doubleIn(problems, hp, "gamma", 0.0, true, Double.MAX_VALUE);
    doubleIn(problems, hp, "min_child_weight", 0.0, true, Double.MAX_VALUE);
    doubleIn(problems, hp, "subsample", 0.0, false, 1.0);
    intIn(problems, hp, "early_stopping_rounds", 1, 10_000);
    intIn(problems, hp, "num_round", 1, 100_000);
    String objective = hp.get("objective");
    if (objective != null && !OBJECTIVES.contains(objective)) {
      problems.add("hyperparameter objective must be one of " + OBJECTIVES + ", got '" + objective + "'");
    }
    return problems;
  }

  private static void intIn(List<String> problems, Map<String, String> hp, String key, int min, int max) {
    String raw = hp.get(key);
    if (raw == null) {
      return;
    }
    try {
      int v = Integer.parseInt(raw.trim());
      if (v < min || v > max) {
        problems.add("hyperparameter " + key + " must be in [" + min + ", " + max + "], got " + raw);
      }
    } catch (NumberFormatException e) {
      problems.add("hyperparameter " + key + " must be an integer, got '" + raw + "'");
    }
  }

  private static void doubleIn(
      List<String> problems, Map<String, String> hp, String key, double min, boolean minInclusive, double max) {
    String raw = hp.get(key);
    if (raw == null) {
      return;
    }
    try {
      double v = Double.parseDouble(raw.trim());
      boolean low = minInclusive ? v < min : v <= min;
      if (Double.isNaN(v) || low || v > max) {
        String range = (minInclusive ? "[" : "(") + min + ", " + (max == Double.MAX_VALUE ? "inf)" : max + "]");
        problems.add("hyperparameter " + key + " must be in " + range + ", got " + raw);
      }
    } catch (NumberFormatException e) {
      problems.add("hyperparameter " + key + " must be a number, got '" + raw + "'");
    }
  }
}
