package dev.safedeploy.workflows.pipeline;

import java.util.ArrayList;
import java.util.List;

/**
 * Where a run's prepared data lives: {@code file://} paths for the local backend, {@code s3://} URIs on AWS. train and
 * validation are header-less CSV with the target first (SageMaker XGBoost format); test holds sample rows for hooks and
 * smoke tests in the same layout; baseline is CSV with a header, the target first then the features (older baselines of features only still
 * work).
 */
public record DataLocations(String train, String validation, String test, String baseline) {

  List<String> problems() {
    List<String> problems = new ArrayList<>();
    check(problems, "train", train);
    check(problems, "validation", validation);
    check(problems, "test", test);
    check(problems, "baseline", baseline);
    return problems;
  }

  private static void check(List<String> problems, String name, String uri) {
    if (uri == null || uri.isBlank()) {
      problems.add("data." + name + " is required");
    } else if (!uri.startsWith("s3://") && !uri.startsWith("file:/")) {
      problems.add("data." + name + " must be an s3:// or file:/ URI, got '" + uri + "'");
    }
  }
}
