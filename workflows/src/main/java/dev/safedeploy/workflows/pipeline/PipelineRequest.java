package dev.safedeploy.workflows.pipeline;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * One model version to take through the pipeline. Null hyperparameters and policy take the seed's defaults.
 *
 * @param model model name, validated like the seed: lowercase, 1-15 chars, {@code ^[a-z0-9](-*[a-z0-9])*}
 * @param version version label, lowercase, 1-20 chars, same alphabet (it becomes part of endpoint and job names)
 * @param retrainCause why a retrain started this run (drift alarm, schedule, operator); null for a run started by
 *     hand (and in every request recorded before retraining existed)
 */
public record PipelineRequest(
    String model,
    String version,
    DataLocations data,
    Map<String, String> hyperparameters,
    String requestedBy,
    DeploymentPolicy policy,
    RetrainCause retrainCause) {

  private static final Pattern NAME = Pattern.compile("^[a-z0-9](-*[a-z0-9])*$");
  public static final int MAX_MODEL_LENGTH = 15;
  public static final int MAX_VERSION_LENGTH = 20;

  public PipelineRequest {
    hyperparameters = Hyperparameters.withDefaults(hyperparameters);
    policy = policy == null ? DeploymentPolicy.defaults() : policy;
  }

  /** A run started by hand: no retrain cause. */
  public PipelineRequest(String model, String version, DataLocations data, Map<String, String> hyperparameters,
      String requestedBy, DeploymentPolicy policy) {
    this(model, version, data, hyperparameters, requestedBy, policy, null);
  }

  /** {@code deploy-<model>-<version>}: one workflow execution per model version. */
  public static String workflowId(String model, String version) {
    return "deploy-" + model + "-" + version;
  }

  public String workflowId() {
    return workflowId(model, version);
  }

  public ResourceNames names() {
    return new ResourceNames(model, version);
  }

  /** Every problem with this request, worded for the person who wrote it; empty when the request is valid. */
  public List<String> problems() {
    List<String> problems = new ArrayList<>();
    nameProblems(problems, "model", model, MAX_MODEL_LENGTH);
    nameProblems(problems, "version", version, MAX_VERSION_LENGTH);
    if (data == null) {
      problems.add("data is required (train, validation, test, baseline)");
    } else {
      problems.addAll(data.problems());
    }
    if (requestedBy == null || requestedBy.isBlank()) {
      problems.add("requestedBy is required");
    }
    problems.addAll(Hyperparameters.problems(hyperparameters));
    problems.addAll(policy.problems());
    return problems;
  }

  /** Throws IllegalArgumentException listing every problem. */
  public PipelineRequest validated() {
    List<String> problems = problems();
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException("invalid pipeline request: " + String.join("; ", problems));
    }
    return this;
  }

  private static void nameProblems(List<String> problems, String field, String value, int max) {
    if (value == null || value.isEmpty()) {
      problems.add(field + " is required");
    } else if (value.length() > max) {
      problems.add(field + " '" + value + "' is longer than " + max + " characters");
    } else if (!NAME.matcher(value).matches()) {
      problems.add(field + " '" + value + "' must be lowercase letters, digits and inner hyphens ("
          + NAME.pattern() + ")");
    }
  }

  public static boolean isValidModelName(String value) {
    return value != null && value.length() <= MAX_MODEL_LENGTH && NAME.matcher(value).matches();
  }

  public static boolean isValidVersion(String value) {
    return value != null && value.length() <= MAX_VERSION_LENGTH && NAME.matcher(value).matches();
  }
}
