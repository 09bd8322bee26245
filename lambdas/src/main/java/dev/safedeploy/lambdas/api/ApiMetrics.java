package dev.safedeploy.lambdas.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.safedeploy.workflows.json.JsonMapping;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The API's own metrics, per alias and per executed version, as CloudWatch Embedded Metric Format log lines (Lambda
 * ships stdout to CloudWatch Logs, which turns each line into metric data; no API call, no extra permission). The
 * handler answers model and server failures as proxy responses rather than throwing, so Lambda's own Errors metric
 * never counts them; these do, and the CodeDeploy rollback alarms watch them.
 *
 * <p>Namespace {@value #NAMESPACE}; metrics {@code Requests}, {@code ModelErrors} (the model container failed: 424),
 * {@code ServerErrors} (any 5xx answer); dimension sets [FunctionName, Alias] and [FunctionName, ExecutedVersion].
 */
public final class ApiMetrics {

  public static final String NAMESPACE = "safedeploy/api";
  private static final ObjectMapper JSON = JsonMapping.mapper();

  private final Consumer<String> sink;
  private final String functionName;
  private final String version;

  /** @param env the function's environment (AWS_LAMBDA_FUNCTION_NAME and _VERSION, set by Lambda) */
  public ApiMetrics(Consumer<String> sink, Map<String, String> env) {
    this.sink = sink;
    this.functionName = env.getOrDefault("AWS_LAMBDA_FUNCTION_NAME", "unknown");
    this.version = env.getOrDefault("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST");
  }

  /** Lambda's runtime: stdout lines become log events, so an EMF line must be printed on its own. */
  public static ApiMetrics toStdout() {
    return new ApiMetrics(System.out::println, System.getenv());
  }

  /**
   * @param invokedArn the ARN the caller invoked (its qualifier is the alias, when called through one)
   * @param variant the production variant that answered, when known
   */
  public void record(String invokedArn, int status, String variant, long timestampMillis) {
    ObjectNode line = JSON.createObjectNode();
    ObjectNode aws = line.putObject("_aws");
    aws.put("Timestamp", timestampMillis);
    ObjectNode directive = aws.putArray("CloudWatchMetrics").addObject();
    directive.put("Namespace", NAMESPACE);
    ArrayNode dims = directive.putArray("Dimensions");
    dims.addArray().add("FunctionName").add("Alias");
    dims.addArray().add("FunctionName").add("ExecutedVersion");
    ArrayNode metrics = directive.putArray("Metrics");
    for (String m : new String[] {"Requests", "ModelErrors", "ServerErrors"}) {
      metrics.addObject().put("Name", m).put("Unit", "Count");
    }
    line.put("FunctionName", functionName);
    line.put("Alias", alias(invokedArn, version));
    line.put("ExecutedVersion", version);
    line.put("Requests", 1);
    line.put("ModelErrors", status == InvocationException.Kind.MODEL_ERROR.status() ? 1 : 0);
    line.put("ServerErrors", status >= 500 ? 1 : 0);
    line.put("StatusCode", status);
    if (variant != null) {
      line.put("Variant", variant);
    }
    try {
      sink.accept(JSON.writeValueAsString(line));
    } catch (JsonProcessingException | RuntimeException e) {
      // a metric must never break an answer
    }
  }

  /** The qualifier of {@code arn:aws:lambda:region:account:function:name:qualifier}, else the version. */
  static String alias(String invokedArn, String version) {
    if (invokedArn == null) {
      return version;
    }
    String[] parts = invokedArn.split(":");
    return parts.length >= 8 && !parts[7].isBlank() ? parts[7] : version;
  }
}
