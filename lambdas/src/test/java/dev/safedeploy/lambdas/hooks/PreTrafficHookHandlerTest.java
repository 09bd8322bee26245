package dev.safedeploy.lambdas.hooks;

import static dev.safedeploy.lambdas.LambdaRuntime.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import dev.safedeploy.lambdas.LambdaRuntime;
import dev.safedeploy.lambdas.api.EndpointInvoker.Answer;
import dev.safedeploy.lambdas.api.InvocationException;
import dev.safedeploy.lambdas.api.InvokeEndpointHandler;
import dev.safedeploy.lambdas.api.RecordingEndpointInvoker;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class PreTrafficHookHandlerTest {

  private static final String NEW_VERSION = "nyctaxi-api:7";
  /** What the stack's SAM published; the deployment under test moves to another version. */
  private static final String SAM_VERSION = "arn:aws:lambda:us-east-1:123456789012:function:nyctaxi-api:1";
  private static final String DEPLOYMENT = "d-RRS6XUZ0B";

  private final RecordingReporter reporter = new RecordingReporter();
  private final RecordingEndpointInvoker endpoint = new RecordingEndpointInvoker();
  private final List<String> invokedFunctions = new ArrayList<>();
  private final AtomicLong nanos = new AtomicLong();
  private final Map<String, String> deployments = new HashMap<>(Map.of(DEPLOYMENT, NEW_VERSION));
  private final DeploymentTargets targets = id -> {
    String v = deployments.get(id);
    if (v == null) {
      throw new IllegalStateException("deployment " + id + " has no AppSpec content");
    }
    return v;
  };
  private final Map<String, String> env = new HashMap<>(Map.of(
      "TARGET_FUNCTION", SAM_VERSION,
      HookSettings.SAMPLE_ROWS, "12.5,1,2.3;33.0,2,9.75;7.25,1,1.1",
      HookSettings.MAX_LATENCY_MILLIS, "2000"));

  /** The new function version is the real API handler (in-process), behind the runtime's own (de)serialization. */
  private final FunctionInvoker realApiFunction = (arn, payload) -> {
    invokedFunctions.add(arn);
    APIGatewayProxyRequestEvent request = LambdaEventSerializers
        .serializerFor(APIGatewayProxyRequestEvent.class, getClass().getClassLoader()).fromJson(payload);
    APIGatewayProxyResponseEvent response =
        new InvokeEndpointHandler(endpoint, "nyctaxi-prod").handleRequest(request, null);
    nanos.addAndGet(150_000_000L);
    return LambdaRuntime.toJson(response);
  };

  private Map<String, String> run(FunctionInvoker functions) {
    PreTrafficHookHandler handler = new PreTrafficHookHandler(functions, targets, reporter, env, nanos::get);
    @SuppressWarnings("unchecked")
    Map<String, Object> hookEvent = event("codedeploy-lifecycle-hook.json", Map.class);
    return handler.handleRequest(reporter.invoked(hookEvent), null);
  }

  private void endpointAnswers(Function<String, String> predictionsForCsv) {
    endpoint.answering(invocation -> new Answer(predictionsForCsv.apply(
        new String(invocation.body(), StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8), "text/csv", "v2",
        null));
  }


  @AfterEach
  void statusCallsConform() {
    assertThat(reporter.conformance.violations).as("PutLifecycleEventHookExecutionStatus rule").isEmpty();
  }
  @Test
  void healthyNewVersionIsReportedSucceeded() {
    endpointAnswers(csv -> "25.1\n61.7\n14.0\n");

    Map<String, String> result = run(realApiFunction);

    assertThat(invokedFunctions).containsExactly(NEW_VERSION);
    assertThat(endpoint.invocations).singleElement().satisfies(invocation -> {
      assertThat(invocation.contentType()).isEqualTo("text/csv");
      assertThat(new String(invocation.body(), StandardCharsets.UTF_8))
          .isEqualTo("12.5,1,2.3\n33.0,2,9.75\n7.25,1,1.1\n");
    });
    assertThat(reporter.reports()).containsExactly(new RecordingReporter.Report(DEPLOYMENT,
        event("codedeploy-lifecycle-hook.json", Map.class).get("LifecycleEventHookExecutionId").toString(), true));
    assertThat(result).containsEntry("status", "Succeeded").containsEntry("deploymentId", DEPLOYMENT);
    assertThat(result.get("detail")).contains("3 predictions").contains("variant v2");
  }

  @Test
  void commaSeparatedPredictionsOnOneLineAreAccepted() {
    endpointAnswers(csv -> "25.1,61.7,14.0");
    assertThat(run(realApiFunction)).containsEntry("status", "Succeeded");
  }

  @Test
  void tooFewPredictionsFail() {
    endpointAnswers(csv -> "25.1\n61.7\n");
    Map<String, String> result = run(realApiFunction);
    assertThat(reporter.reports()).singleElement().extracting(RecordingReporter.Report::succeeded).isEqualTo(false);
    assertThat(result.get("detail")).contains("2 predictions for 3 rows");
  }

  @Test
  void nonNumericPredictionFails() {
    endpointAnswers(csv -> "25.1\nNaN-ish\n14.0\n");
    Map<String, String> result = run(realApiFunction);
    assertThat(result).containsEntry("status", "Failed");
    assertThat(result.get("detail")).contains("prediction 2 is not a number");
  }

  @Test
  void apiErrorStatusFails() {
    endpoint.failingWith(new InvocationException(InvocationException.Kind.MODEL_ERROR, "model blew up"));
    Map<String, String> result = run(realApiFunction);
    assertThat(result).containsEntry("status", "Failed");
    assertThat(result.get("detail")).contains("status 424").contains("model blew up");
    assertThat(reporter.reports()).singleElement().extracting(RecordingReporter.Report::succeeded).isEqualTo(false);
  }

  @Test
  void slowAnswerFails() {
    endpointAnswers(csv -> "25.1\n61.7\n14.0\n");
    FunctionInvoker slow = (arn, payload) -> {
      String answer = realApiFunction.invoke(arn, payload);
      nanos.addAndGet(5_000_000_000L);
      return answer;
    };
    Map<String, String> result = run(slow);
    assertThat(result).containsEntry("status", "Failed");
    assertThat(result.get("detail")).contains("over the 2000 ms bound");
  }

  @Test
  void answerWithoutVariantHeaderFails() {
    endpoint.answering(invocation -> new Answer("1\n2\n3\n".getBytes(StandardCharsets.UTF_8), "text/csv", null,
        null));
    Map<String, String> result = run(realApiFunction);
    assertThat(result).containsEntry("status", "Failed");
    assertThat(result.get("detail")).contains("X-SageMaker-Variant");
  }

  @Test
  void functionErrorFails() {
    Map<String, String> result = run((arn, payload) -> {
      throw new IllegalStateException("function " + arn + " failed (Unhandled): OutOfMemoryError");
    });
    assertThat(result).containsEntry("status", "Failed");
    assertThat(result.get("detail")).contains("Unhandled");
  }

  @Test
  void notAProxyResponseFails() {
    assertThat(run((arn, payload) -> "\"hello\"")).containsEntry("status", "Failed");
    assertThat(run((arn, payload) -> "<html>")).containsEntry("status", "Failed");
    assertThat(reporter.reports()).hasSize(2).allMatch(report -> !report.succeeded());
  }

  @Test
  void aCrashingCheckIsStillReportedFailed() {
    Map<String, String> result = run((arn, payload) -> {
      throw new NoClassDefFoundError("software/amazon/awssdk/Missing");
    });
    assertThat(reporter.reports()).singleElement().extracting(RecordingReporter.Report::succeeded).isEqualTo(false);
    assertThat(result.get("detail")).contains("crashed").contains("NoClassDefFoundError");
  }

  @Test
  void anUnreadableDeploymentIsReportedFailedNotLeftHanging() {
    deployments.clear();
    Map<String, String> result = run(realApiFunction);
    assertThat(result).containsEntry("status", "Failed");
    assertThat(result.get("detail")).contains("has no AppSpec content");
    assertThat(invokedFunctions).isEmpty();
  }

  /** The worker's AppSpec (CodeDeployTraffic) and SAM's both name the function and the version deployed. */
  @Test
  void theTargetIsTheAppSpecsTargetVersion() {
    assertThat(CodeDeployDeploymentTargets.targetOf("""
        {"version":0.0,"Resources":[{"nyctaxi-api":{"Type":"AWS::Lambda::Function","Properties":{
          "Name":"nyctaxi-api","Alias":"live","CurrentVersion":"6","TargetVersion":"7"}}}],
         "Hooks":[{"BeforeAllowTraffic":"pre"},{"AfterAllowTraffic":"post"}]}""", DEPLOYMENT))
        .isEqualTo("nyctaxi-api:7");
    assertThat(CodeDeployDeploymentTargets.targetOf("""
        {"version":0.0,"Resources":[{"ApiFunction":{"Type":"AWS::Lambda::Function","Properties":{
          "Name":"stack-ApiFunction-AbC","Alias":"live","CurrentVersion":"1","TargetVersion":"2"}}}]}""",
        DEPLOYMENT)).isEqualTo("stack-ApiFunction-AbC:2");
    assertThatThrownBy(() -> CodeDeployDeploymentTargets.targetOf("{\"version\":0.0,\"Resources\":[]}",
        DEPLOYMENT)).hasMessageContaining("names no AWS::Lambda::Function");
  }

  @Test
  void malformedSampleRowsAreReportedFailedNamingTheField() {
    env.put(HookSettings.SAMPLE_ROWS, "12.5,1,2.3;33.0,two,9.75");
    Map<String, String> result = run(realApiFunction);
    assertThat(result).containsEntry("status", "Failed");
    assertThat(result.get("detail")).contains("SAMPLE_ROWS row 2 field 2 is not a number: 'two'");
  }

  @Test
  void aFailedReportIsThrownSoLambdaRetries() {
    endpointAnswers(csv -> "25.1\n61.7\n14.0\n");
    reporter.failure = new RuntimeException("CodeDeploy unreachable");
    assertThatThrownBy(() -> run(realApiFunction))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("could not report Succeeded for deployment " + DEPLOYMENT)
        .hasRootCauseMessage("CodeDeploy unreachable");
  }

  @Test
  void anEventWithoutIdsIsRejectedLoudly() {
    PreTrafficHookHandler handler = new PreTrafficHookHandler(realApiFunction, targets, reporter, env, nanos::get);
    assertThatThrownBy(() -> handler.handleRequest(Map.of("DeploymentId", DEPLOYMENT), null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("LifecycleEventHookExecutionId");
    assertThat(reporter.reports()).isEmpty();
  }
}
