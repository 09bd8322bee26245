package dev.safedeploy.lambdas.hooks;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import dev.safedeploy.lambdas.api.EndpointInvoker;
import dev.safedeploy.lambdas.api.InvocationException;
import dev.safedeploy.lambdas.api.SageMakerEndpointInvoker;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * CodeDeploy AfterAllowTraffic hook: with all traffic on the new version, invoke the SageMaker endpoint as routed
 * with the sample rows and require one numeric prediction per row within the latency bound. Always reports
 * Succeeded/Failed to CodeDeploy.
 *
 * <p>Environment: {@code ENDPOINT_NAME}, {@code SAMPLE_ROWS}, {@code MAX_LATENCY_MILLIS} (default 3000).
 */
public class PostTrafficHookHandler implements RequestHandler<Map<String, Object>, Map<String, String>> {

  public static final String ENDPOINT_NAME = "ENDPOINT_NAME";

  private final LifecycleHook hook;

  public PostTrafficHookHandler() {
    this(SageMakerEndpointInvoker.fromEnvironment(), CodeDeployStatusReporter.fromEnvironment(), System.getenv(),
        System::nanoTime);
  }

  public PostTrafficHookHandler(EndpointInvoker endpoints, LifecycleStatusReporter reporter, Map<String, String> env,
      LongSupplier nanoClock) {
    HookSettings settings = new HookSettings(env);
    this.hook = new LifecycleHook("post-traffic hook", event -> check(endpoints, settings, nanoClock), reporter);
  }

  @Override
  public Map<String, String> handleRequest(Map<String, Object> event, Context context) {
    return hook.run(event);
  }

  private static CheckResult check(EndpointInvoker endpoints, HookSettings settings, LongSupplier nanoClock) {
    String endpoint = settings.required(ENDPOINT_NAME);
    SampleRows rows = settings.sampleRows();
    long maxLatency = settings.maxLatencyMillis();

    long start = nanoClock.getAsLong();
    EndpointInvoker.Answer answer;
    try {
      answer = endpoints.invoke(new EndpointInvoker.Invocation(endpoint, "text/csv", "text/csv", null,
          rows.csv().getBytes(StandardCharsets.UTF_8)));
    } catch (InvocationException e) {
      return CheckResult.failed("endpoint " + endpoint + " failed (" + e.kind().code() + "): " + e.getMessage());
    }
    long elapsedMillis = (nanoClock.getAsLong() - start) / 1_000_000;

    String what = "endpoint " + endpoint + (answer.invokedVariant() == null ? "" : " (variant "
        + answer.invokedVariant() + ")");
    return Predictions.verdict(what, rows, new String(answer.body(), StandardCharsets.UTF_8), elapsedMillis,
        maxLatency);
  }
}
