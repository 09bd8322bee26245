package dev.safedeploy.activities.local.baseline;

import java.nio.file.Path;
import java.util.Map;

/** Feature statistics and constraints in SageMaker Model Monitor's statistics.json / constraints.json format. */
public final class BaselineAnalyzer {
  private BaselineAnalyzer() {}

  public record BaselineFiles(Path statistics, Path constraints) {}

  /** Reads a CSV with a header and writes outDir/statistics.json and outDir/constraints.json. */
  public static BaselineFiles analyze(Path baselineCsv, Path outDir) {
    throw new UnsupportedOperationException("TODO(local-ml)");
  }

  /**
   * Drift of captured rows against a baseline: per feature, the distance between the baseline's and the rows'
   * distributions (Model Monitor's baseline_drift check), keyed by feature name.
   */
  public static Map<String, Double> drift(Path statisticsJson, String[] featureNames, float[][] rows) {
    throw new UnsupportedOperationException("TODO(local-ml)");
  }
}
