package dev.safedeploy.lambdas.api;

import static dev.safedeploy.lambdas.LambdaRuntime.event;
import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.safedeploy.lambdas.LambdaRuntime;
import dev.safedeploy.lambdas.api.EndpointInvoker.Answer;
import dev.safedeploy.lambdas.api.InvocationException.Kind;
import dev.safedeploy.workflows.json.JsonMapping;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A model error is answered as a 424 proxy response, which Lambda's Errors metric never counts; the EMF line is what
 * makes the CodeDeploy rollback alarms able to fire. Checked against the Embedded Metric Format specification: the
 * _aws directive names the namespace, the dimension sets and the metrics, and every name it uses is a top-level key.
 */
class ApiMetricsTest {

  private static final ObjectMapper JSON = JsonMapping.mapper();
  private final RecordingEndpointInvoker invoker = new RecordingEndpointInvoker();
  private final List<String> lines = new ArrayList<>();
  private final InvokeEndpointHandler handler = new InvokeEndpointHandler(invoker, "nyctaxi-prod", "v2",
      new ApiMetrics(lines::add, Map.of("AWS_LAMBDA_FUNCTION_NAME", "nyctaxi-api",
          "AWS_LAMBDA_FUNCTION_VERSION", "7")));

  private static Context invokedAs(String arn) {
    Context base = LambdaRuntime.context("req-1");
    return (Context) Proxy.newProxyInstance(Context.class.getClassLoader(), new Class<?>[] {Context.class},
        (proxy, method, args) -> "getInvokedFunctionArn".equals(method.getName()) ? arn : method.invoke(base, args));
  }

  private JsonNode call() throws Exception {
    handler.handleRequest(event("apigateway-proxy-post-csv.json", APIGatewayProxyRequestEvent.class),
        invokedAs("arn:aws:lambda:us-east-1:123456789012:function:nyctaxi-api:live"));
    assertThat(lines).hasSize(1);
    return JSON.readTree(lines.remove(0));
  }

  @Test
  void aModelErrorIsCountedPerAliasAndVersion() throws Exception {
    invoker.failingWith(new InvocationException(Kind.MODEL_ERROR, "model blew up"));
    JsonNode line = call();
    JsonNode directive = line.path("_aws").path("CloudWatchMetrics").get(0);
    assertThat(directive.path("Namespace").asText()).isEqualTo("safedeploy/api");
    assertThat(directive.path("Dimensions").toString())
        .isEqualTo("[[\"FunctionName\",\"Alias\"],[\"FunctionName\",\"ExecutedVersion\"]]");
    for (JsonNode dimensionSet : directive.path("Dimensions")) {
      dimensionSet.forEach(d -> assertThat(line.hasNonNull(d.asText())).as(d.asText()).isTrue());
    }
    for (JsonNode metric : directive.path("Metrics")) {
      assertThat(line.path(metric.path("Name").asText()).isNumber()).as(metric.toString()).isTrue();
    }
    assertThat(line.path("_aws").path("Timestamp").isNumber()).isTrue();
    assertThat(line.path("FunctionName").asText()).isEqualTo("nyctaxi-api");
    assertThat(line.path("Alias").asText()).isEqualTo("live");
    assertThat(line.path("ExecutedVersion").asText()).isEqualTo("7");
    assertThat(line.path("ModelErrors").asInt()).isEqualTo(1);
    assertThat(line.path("ServerErrors").asInt()).isZero();
  }

  @Test
  void serverErrorsAndGoodAnswersAreCountedToo() throws Exception {
    invoker.failingWith(new InvocationException(Kind.UNAVAILABLE, "not ready"));
    JsonNode unavailable = call();
    assertThat(unavailable.path("ServerErrors").asInt()).isEqualTo(1);
    assertThat(unavailable.path("ModelErrors").asInt()).isZero();
    invoker.answering(i -> new Answer("12.5\n".getBytes(StandardCharsets.UTF_8), "text/csv", "v2", null));
    JsonNode ok = call();
    assertThat(ok.path("Requests").asInt()).isEqualTo(1);
    assertThat(ok.path("ServerErrors").asInt() + ok.path("ModelErrors").asInt()).isZero();
    assertThat(ok.path("Variant").asText()).isEqualTo("v2");
  }
}
