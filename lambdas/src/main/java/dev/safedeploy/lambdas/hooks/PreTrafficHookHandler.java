package dev.safedeploy.lambdas.hooks;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.safedeploy.workflows.json.JsonMapping;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * CodeDeploy BeforeAllowTraffic hook: before the {@code live} alias sends any traffic to the deployment's target
 * version of the API function (read from the deployment's AppSpec: the worker publishes a version per variant, so
 * the version SAM published at stack time is not the one being deployed), invoke that version directly with an API
 * Gateway proxy request carrying the sample rows, and require a 200 with one numeric prediction per row, from a
 * named variant, within the latency bound. Always reports Succeeded/Failed to CodeDeploy.
 *
 * <p>Environment: {@code SAMPLE_ROWS}, {@code MAX_LATENCY_MILLIS} (default 3000).
 */
public class PreTrafficHookHandler implements RequestHandler<Map<String, Object>, Map<String, String>> {

  private static final ObjectMapper JSON = JsonMapping.mapper();

  private final LifecycleHook hook;

  public PreTrafficHookHandler() {
    this(LambdaFunctionInvoker.fromEnvironment(), CodeDeployDeploymentTargets.fromEnvironment(),
        CodeDeployStatusReporter.fromEnvironment(), System.getenv(), System::nanoTime);
  }

  public PreTrafficHookHandler(FunctionInvoker functions, DeploymentTargets targets, LifecycleStatusReporter reporter,
      Map<String, String> env, LongSupplier nanoClock) {
    HookSettings settings = new HookSettings(env);
    this.hook = new LifecycleHook("pre-traffic hook", event -> check(functions,
        targets.targetVersion(event.deploymentId()), settings, nanoClock), reporter);
  }

  @Override
  public Map<String, String> handleRequest(Map<String, Object> event, Context context) {
    return hook.run(event);
  }

  private static CheckResult check(FunctionInvoker functions, String target, HookSettings settings,
      LongSupplier nanoClock) throws Exception {
    SampleRows rows = settings.sampleRows();
    long maxLatency = settings.maxLatencyMillis();

    long start = nanoClock.getAsLong();
    String payload;
    try {
      payload = functions.invoke(target, apiRequest(rows));
    } catch (RuntimeException e) {
      return CheckResult.failed("invoking " + target + " failed: " + e.getMessage());
    }
    long elapsedMillis = (nanoClock.getAsLong() - start) / 1_000_000;

    JsonNode response;
    try {
      response = JSON.readTree(payload);
    } catch (Exception e) {
      return CheckResult.failed(target + " did not answer with an API Gateway proxy response: "
          + Predictions.abbreviate(payload));
    }
    if (response == null || !response.hasNonNull("statusCode")) {
      return CheckResult.failed(target + " did not answer with an API Gateway proxy response: "
          + Predictions.abbreviate(payload));
    }
    int status = response.get("statusCode").asInt();
    String body = response.path("body").asText(null);
    if (status != 200) {
      return CheckResult.failed(target + " answered status " + status + ": " + Predictions.abbreviate(body));
    }
    if (response.path("isBase64Encoded").asBoolean(false)) {
      return CheckResult.failed(target + " answered a binary body; expected text/csv predictions");
    }
    String variant = response.path("headers").path("X-SageMaker-Variant").asText(null);
    CheckResult verdict = Predictions.verdict(target, rows, body, elapsedMillis, maxLatency);
    if (verdict.passed() && variant == null) {
      return CheckResult.failed(target + " answered without the X-SageMaker-Variant header");
    }
    return verdict.passed() ? CheckResult.passed(verdict.detail() + " from variant " + variant) : verdict;
  }

  /** The event API Gateway would send for {@code POST /api} with the rows as text/csv. */
  static String apiRequest(SampleRows rows) throws Exception {
    ObjectNode event = JSON.createObjectNode();
    event.put("resource", "/api");
    event.put("path", "/api");
    event.put("httpMethod", "POST");
    ObjectNode headers = event.putObject("headers");
    headers.put("Content-Type", "text/csv");
    headers.put("Accept", "text/csv");
    headers.put("User-Agent", "safedeploy-pre-traffic-hook");
    event.putObject("requestContext").put("resourcePath", "/api").put("httpMethod", "POST")
        .put("stage", "pre-traffic-hook");
    event.put("body", rows.csv());
    event.put("isBase64Encoded", false);
    return JSON.writeValueAsString(event);
  }
}
