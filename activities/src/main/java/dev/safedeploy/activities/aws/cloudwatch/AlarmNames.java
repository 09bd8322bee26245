package dev.safedeploy.activities.aws.cloudwatch;

import java.util.List;

/** The alarm names the AWS backend creates and the templates refer to; one place so all sides agree. */
public final class AlarmNames {

  /** The tag by which the alarm bridge (api-canary.yml) finds the workflow to signal. */
  public static final String WORKFLOW_TAG = "safedeploy:workflow-id";

  private AlarmNames() {}

  public static String variant5xx(String endpointName, String variantName) {
    return endpointName + "-" + variantName + "-5xx";
  }

  public static String latencyP99(String endpointName, String variantName) {
    return endpointName + "-" + variantName + "-latency-p99";
  }

  public static String modelErrors(String endpointName, String variantName) {
    return endpointName + "-" + variantName + "-model-errors";
  }

  public static String clientErrorRate(String endpointName, String variantName) {
    return endpointName + "-" + variantName + "-4xx-rate";
  }

  public static String drift(String endpointName) {
    return endpointName + "-feature-drift";
  }

  /** The drift alarm of one baseline column ({@code total_amount}, the seed's, and each feature). */
  public static String drift(String endpointName, String column) {
    return driftPrefix(endpointName) + column;
  }

  public static String driftPrefix(String endpointName) {
    return endpointName + "-drift-";
  }

  /** The worker-made drift alarm of one non-target feature ({@link DriftAlarms}). */
  public static String featureDrift(String endpointName, String feature) {
    return endpointName + "-feature-drift-" + feature;
  }

  /** The canary's rollback alarms for a variant. */
  public static List<String> canary(String endpointName, String variantName) {
    return List.of(variant5xx(endpointName, variantName), latencyP99(endpointName, variantName),
        modelErrors(endpointName, variantName), clientErrorRate(endpointName, variantName));
  }
}
