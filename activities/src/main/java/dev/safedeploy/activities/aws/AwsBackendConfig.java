package dev.safedeploy.activities.aws;

import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Configuration of the AWS backend. Credentials always come from the SDK's default chain (environment, profile, SSO,
 * container or instance role); nothing here holds a secret.
 *
 * <p>Environment variables read by {@link #fromEnv(Map)}:
 * <ul>
 *   <li>{@code AWS_REGION} (or {@code AWS_DEFAULT_REGION}) — the region; required unless the SDK's region chain
 *       (profile) resolves one.</li>
 *   <li>{@code AWS_ENDPOINT_URL} — endpoint override for every client (e.g. {@code http://127.0.0.1:5000} for
 *       moto_server); the SDK honours it too, we pass it explicitly so it also reaches every client we build.</li>
 *   <li>{@code SAFEDEPLOY_S3_BUCKET} — required: the bucket for artifacts, baselines, data capture, reports.</li>
 *   <li>{@code SAFEDEPLOY_S3_PREFIX} — key prefix under the bucket (default {@code safedeploy}).</li>
 *   <li>{@code SAFEDEPLOY_SAGEMAKER_ROLE_ARN} — required: the SageMaker execution role (output
 *       {@code SageMakerExecutionRoleArn} of {@code templates/worker-iam.yml}).</li>
 *   <li>{@code SAFEDEPLOY_SNS_TOPIC_ARN} — topic for notifications; unset means notifications are only logged.</li>
 *   <li>{@code SAFEDEPLOY_TRAFFIC_MODE} — {@code weights} (default: UpdateEndpointWeightsAndCapacities),
 *       or {@code codedeploy} (Lambda-alias canary); {@code guardrails} is refused (see the README).</li>
 *   <li>{@code SAFEDEPLOY_CODEDEPLOY_APPLICATION}, {@code SAFEDEPLOY_CODEDEPLOY_GROUP},
 *       {@code SAFEDEPLOY_LAMBDA_FUNCTION}, {@code SAFEDEPLOY_LAMBDA_ALIAS}, {@code SAFEDEPLOY_PRE_TRAFFIC_HOOK},
 *       {@code SAFEDEPLOY_POST_TRAFFIC_HOOK} — the outputs ApplicationName, DeploymentGroupName, FunctionName,
 *       AliasName, PreTrafficHookName, PostTrafficHookName of the api-canary stack; required in codedeploy mode (a
 *       deployment runs only the hooks its AppSpec names). The function and the application must be named
 *       {@code safedeploy-*} (the stack named so), the only ones the worker role may use.</li>
 *   <li>{@code SAFEDEPLOY_TRAINING_INSTANCE_TYPE} (default {@code ml.m5.xlarge}),
 *       {@code SAFEDEPLOY_ENDPOINT_INSTANCE_TYPE} (prod, default {@code ml.m5.large}),
 *       {@code SAFEDEPLOY_DEV_INSTANCE_TYPE} (default {@code ml.t2.medium}),
 *       {@code SAFEDEPLOY_PROD_INSTANCE_COUNT} (default 2, the autoscaling minimum).</li>
 *   <li>{@code SAFEDEPLOY_XGBOOST_VERSION} — the built-in XGBoost image tag (default {@code 1.7-1}).</li>
 *   <li>{@code SAFEDEPLOY_AWS_POLL_SECONDS} — how often long waits poll AWS, and so heartbeat (default 5; keep it
 *       well under the workflow's 15 s heartbeat timeout).</li>
 *   <li>{@code SAFEDEPLOY_AWS_MAX_WAIT_MINUTES} — the longest a single wait may last before failing
 *       (default 180).</li>
 * </ul>
 */
public record AwsBackendConfig(
    String region,
    URI endpointOverride,
    String bucket,
    String prefix,
    String sageMakerRoleArn,
    String snsTopicArn,
    TrafficMode trafficMode,
    CodeDeployTarget codeDeploy,
    String trainingInstanceType,
    String endpointInstanceType,
    String devInstanceType,
    int prodInstanceCount,
    String xgboostVersion,
    Duration pollInterval,
    Duration maxWait) {

  /** How the traffic port moves production traffic. */
  public enum TrafficMode {
    WEIGHTS, CODEDEPLOY;

    static TrafficMode parse(String raw) {
      if (raw == null || raw.isBlank()) {
        return WEIGHTS;
      }
      if (raw.trim().equalsIgnoreCase("guardrails")) {
        // SageMaker's blue/green update needs the same variant names in both configs, but a safedeploy variant is
        // named after its model version, and the prod stack's autoscaling targets would have to be deregistered
        // around every update; until variants get stable slot names the mode cannot be right on real AWS.
        throw new IllegalArgumentException("SAFEDEPLOY_TRAFFIC_MODE=guardrails was removed: SageMaker blue/green "
            + "updates require the same variant names in the old and new endpoint config, and safedeploy names "
            + "variants by model version; use weights or codedeploy");
      }
      try {
        return valueOf(raw.trim().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "SAFEDEPLOY_TRAFFIC_MODE must be weights or codedeploy, got '" + raw + "'");
      }
    }
  }

  /** The api-canary stack's CodeDeploy application, group, Lambda alias and the lifecycle hook functions. */
  public record CodeDeployTarget(String application, String deploymentGroup, String functionName, String alias,
      String preTrafficHook, String postTrafficHook) {}

  public AwsBackendConfig {
    Objects.requireNonNull(region, "region");
    Objects.requireNonNull(bucket, "bucket");
    prefix = prefix == null ? "safedeploy" : strip(prefix);
    trafficMode = trafficMode == null ? TrafficMode.WEIGHTS : trafficMode;
    trainingInstanceType = trainingInstanceType == null ? "ml.m5.xlarge" : trainingInstanceType;
    endpointInstanceType = endpointInstanceType == null ? "ml.m5.large" : endpointInstanceType;
    devInstanceType = devInstanceType == null ? "ml.t2.medium" : devInstanceType;
    prodInstanceCount = prodInstanceCount < 1 ? 2 : prodInstanceCount;
    xgboostVersion = xgboostVersion == null ? "1.7-1" : xgboostVersion;
    pollInterval = pollInterval == null ? Duration.ofSeconds(5) : pollInterval;
    maxWait = maxWait == null ? Duration.ofMinutes(180) : maxWait;
    if (trafficMode == TrafficMode.CODEDEPLOY && (codeDeploy == null || blank(codeDeploy.application())
        || blank(codeDeploy.deploymentGroup()) || blank(codeDeploy.functionName()) || blank(codeDeploy.alias())
        || blank(codeDeploy.preTrafficHook()) || blank(codeDeploy.postTrafficHook()))) {
      throw new IllegalArgumentException("SAFEDEPLOY_TRAFFIC_MODE=codedeploy needs SAFEDEPLOY_CODEDEPLOY_APPLICATION, "
          + "SAFEDEPLOY_CODEDEPLOY_GROUP, SAFEDEPLOY_LAMBDA_FUNCTION, SAFEDEPLOY_LAMBDA_ALIAS, "
          + "SAFEDEPLOY_PRE_TRAFFIC_HOOK and SAFEDEPLOY_POST_TRAFFIC_HOOK (outputs of the api-canary stack)");
    }
    if (trafficMode == TrafficMode.CODEDEPLOY) {
      // templates/worker-iam.yml grants the Lambda and CodeDeploy calls on safedeploy-* only, and CloudFormation
      // names the api-canary stack's function and application after the stack: refuse now, not with AccessDenied
      // in the middle of a canary
      String function = codeDeploy.functionName().trim();
      String functionName = function.contains(":function:")
          ? function.substring(function.indexOf(":function:") + ":function:".length()) : function;
      if (!functionName.startsWith(NAME_PREFIX) || !codeDeploy.application().trim().startsWith(NAME_PREFIX)) {
        throw new IllegalArgumentException("SAFEDEPLOY_LAMBDA_FUNCTION (" + function + ") and "
            + "SAFEDEPLOY_CODEDEPLOY_APPLICATION (" + codeDeploy.application() + ") must start with " + NAME_PREFIX
            + ": the worker role of templates/worker-iam.yml may use only those; deploy templates/api-canary.yml as "
            + "a stack named " + NAME_PREFIX + "<model>-api");
      }
    }
  }

  /** The names the worker role may act on (templates/worker-iam.yml): every stack and what it names after itself. */
  public static final String NAME_PREFIX = "safedeploy-";

  public static AwsBackendConfig fromEnv() {
    return fromEnv(System.getenv());
  }

  /** Reads the variables documented on this class; throws naming every missing or malformed one. */
  public static AwsBackendConfig fromEnv(Map<String, String> env) {
    StringBuilder problems = new StringBuilder();
    String region = first(env, "AWS_REGION", "AWS_DEFAULT_REGION");
    if (region == null) {
      try {
        region = new software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain().getRegion().id();
      } catch (RuntimeException e) {
        throw new IllegalArgumentException("AWS backend configuration: no region: set AWS_REGION (or a region in the "
            + "AWS profile)", e);
      }
    }
    String bucket = env.get("SAFEDEPLOY_S3_BUCKET");
    if (blank(bucket)) {
      problems.append("SAFEDEPLOY_S3_BUCKET is required; ");
    }
    String role = env.get("SAFEDEPLOY_SAGEMAKER_ROLE_ARN");
    if (blank(role)) {
      problems.append("SAFEDEPLOY_SAGEMAKER_ROLE_ARN is required; ");
    }
    URI endpoint = null;
    String rawEndpoint = env.get("AWS_ENDPOINT_URL");
    if (!blank(rawEndpoint)) {
      try {
        endpoint = URI.create(rawEndpoint.trim());
      } catch (IllegalArgumentException e) {
        problems.append("AWS_ENDPOINT_URL is not a URI: '").append(rawEndpoint).append("'; ");
      }
    }
    if (problems.length() > 0) {
      throw new IllegalArgumentException("AWS backend configuration: " + problems.substring(0, problems.length() - 2));
    }
    TrafficMode mode = TrafficMode.parse(env.get("SAFEDEPLOY_TRAFFIC_MODE"));
    CodeDeployTarget cd = new CodeDeployTarget(env.get("SAFEDEPLOY_CODEDEPLOY_APPLICATION"),
        env.get("SAFEDEPLOY_CODEDEPLOY_GROUP"), env.get("SAFEDEPLOY_LAMBDA_FUNCTION"),
        env.get("SAFEDEPLOY_LAMBDA_ALIAS"), env.get("SAFEDEPLOY_PRE_TRAFFIC_HOOK"),
        env.get("SAFEDEPLOY_POST_TRAFFIC_HOOK"));
    return new AwsBackendConfig(region, endpoint, bucket.trim(), env.get("SAFEDEPLOY_S3_PREFIX"), role.trim(),
        blank(env.get("SAFEDEPLOY_SNS_TOPIC_ARN")) ? null : env.get("SAFEDEPLOY_SNS_TOPIC_ARN").trim(), mode, cd,
        env.get("SAFEDEPLOY_TRAINING_INSTANCE_TYPE"), env.get("SAFEDEPLOY_ENDPOINT_INSTANCE_TYPE"),
        env.get("SAFEDEPLOY_DEV_INSTANCE_TYPE"), intOr(env, "SAFEDEPLOY_PROD_INSTANCE_COUNT", 2),
        env.get("SAFEDEPLOY_XGBOOST_VERSION"),
        Duration.ofSeconds(intOr(env, "SAFEDEPLOY_AWS_POLL_SECONDS", 5)),
        Duration.ofMinutes(intOr(env, "SAFEDEPLOY_AWS_MAX_WAIT_MINUTES", 180)));
  }

  /** {@code s3://bucket/prefix/<relative>}. */
  public String s3Uri(String relative) {
    return "s3://" + bucket + "/" + (prefix.isEmpty() ? "" : prefix + "/") + strip(relative);
  }

  public AwsBackendConfig withTrafficMode(TrafficMode mode, CodeDeployTarget target) {
    return new AwsBackendConfig(region, endpointOverride, bucket, prefix, sageMakerRoleArn, snsTopicArn, mode, target,
        trainingInstanceType, endpointInstanceType, devInstanceType, prodInstanceCount, xgboostVersion, pollInterval,
        maxWait);
  }

  private static String strip(String s) {
    String r = s.trim();
    while (r.startsWith("/")) {
      r = r.substring(1);
    }
    while (r.endsWith("/")) {
      r = r.substring(0, r.length() - 1);
    }
    return r;
  }

  private static String first(Map<String, String> env, String... keys) {
    for (String k : keys) {
      if (!blank(env.get(k))) {
        return env.get(k).trim();
      }
    }
    return null;
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }

  private static int intOr(Map<String, String> env, String key, int fallback) {
    String raw = env.get(key);
    if (blank(raw)) {
      return fallback;
    }
    try {
      return Integer.parseInt(raw.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + " must be an integer, got '" + raw + "'");
    }
  }
}
