package dev.safedeploy.activities.aws.monitoring;

/** Model Monitor's output files as the analyzer (which moto does not run) would write them, trimmed to what is read. */
public final class MonitorFiles {
  private MonitorFiles() {}

  /** statistics.json: the baselined columns, target first. */
  public static String statistics(String... features) {
    StringBuilder s = new StringBuilder("{\"version\": 0.0, \"dataset\": {\"item_count\": 3}, \"features\": [");
    for (int i = 0; i < features.length; i++) {
      s.append(i == 0 ? "" : ",").append("{\"name\": \"").append(features[i])
          .append("\", \"inferred_type\": \"Fractional\", \"numerical_statistics\": {\"common\": {}}}");
    }
    return s.append("]}").toString();
  }

  public static String constraints(String emit) {
    return "{\"version\": 0.0, \"features\": [], \"monitoring_config\": {\"evaluate_constraints\": \"Enabled\", "
        + "\"emit_metrics\": \"" + emit + "\", \"distribution_constraints\": {\"comparison_threshold\": 0.1}}}";
  }
}
