package dev.safedeploy.lambdas.hooks;

import static dev.safedeploy.lambdas.LambdaRuntime.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.safedeploy.lambdas.api.EndpointInvoker.Answer;
import dev.safedeploy.lambdas.api.InvocationException;
import dev.safedeploy.lambdas.api.RecordingEndpointInvoker;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class PostTrafficHookHandlerTest {

  private final RecordingReporter reporter = new RecordingReporter();
  private final RecordingEndpointInvoker endpoint = new RecordingEndpointInvoker();
  private final AtomicLong nanos = new AtomicLong();
  private final Map<String, String> env = new HashMap<>(Map.of(
      PostTrafficHookHandler.ENDPOINT_NAME, "nyctaxi-prod",
      HookSettings.SAMPLE_ROWS, "12.5,1,2.3\n33.0,2,9.75\n"));

  private Map<String, String> run() {
    PostTrafficHookHandler handler = new PostTrafficHookHandler(endpoint, reporter, env, nanos::get);
    @SuppressWarnings("unchecked")
    Map<String, Object> hookEvent = event("codedeploy-lifecycle-hook.json", Map.class);
    return handler.handleRequest(reporter.invoked(hookEvent), null);
  }

  @AfterEach
  void statusCallsConform() {
    assertThat(reporter.conformance.violations).as("PutLifecycleEventHookExecutionStatus rule").isEmpty();
  }
  @Test
  void endpointAnsweringEveryRowIsReportedSucceeded() {
    endpoint.answering(invocation -> {
      nanos.addAndGet(80_000_000L);
      return new Answer("25.1\n61.7\n".getBytes(StandardCharsets.UTF_8), "text/csv", "v2", null);
    });

    Map<String, String> result = run();

    assertThat(endpoint.invocations).singleElement().satisfies(invocation -> {
      assertThat(invocation.endpointName()).isEqualTo("nyctaxi-prod");
      assertThat(new String(invocation.body(), StandardCharsets.UTF_8)).isEqualTo("12.5,1,2.3\n33.0,2,9.75\n");
    });
    assertThat(result).containsEntry("status", "Succeeded");
    assertThat(result.get("detail")).contains("variant v2").contains("80 ms");
    assertThat(reporter.reports()).singleElement().satisfies(report -> {
      assertThat(report.deploymentId()).isEqualTo("d-RRS6XUZ0B");
      assertThat(report.succeeded()).isTrue();
    });
  }

  @Test
  void endpointFailureIsReportedFailed() {
    endpoint.failingWith(new InvocationException(InvocationException.Kind.ENDPOINT_NOT_FOUND,
        "endpoint nyctaxi-prod does not exist"));
    Map<String, String> result = run();
    assertThat(result).containsEntry("status", "Failed");
    assertThat(result.get("detail")).contains("endpoint_not_found");
    assertThat(reporter.reports()).singleElement().extracting(RecordingReporter.Report::succeeded).isEqualTo(false);
  }

  @Test
  void wrongAnswerIsReportedFailed() {
    endpoint.answering(invocation -> new Answer("{\"error\":\"oops\"}".getBytes(StandardCharsets.UTF_8),
        "application/json", "v2", null));
    assertThat(run()).containsEntry("status", "Failed");
  }

  @Test
  void anUnexpectedCrashIsReportedFailed() {
    endpoint.failingWith(new NullPointerException("bug in the check"));
    Map<String, String> result = run();
    assertThat(result).containsEntry("status", "Failed");
    assertThat(result.get("detail")).contains("crashed").contains("bug in the check");
  }

  @Test
  void badLatencySettingIsReportedFailed() {
    env.put(HookSettings.MAX_LATENCY_MILLIS, "fast");
    Map<String, String> result = run();
    assertThat(result).containsEntry("status", "Failed");
    assertThat(result.get("detail")).contains("MAX_LATENCY_MILLIS must be a positive number");
    assertThat(endpoint.invocations).isEmpty();
  }

  @Test
  void aFailedReportIsThrownSoLambdaRetries() {
    endpoint.failingWith(new InvocationException(InvocationException.Kind.THROTTLED, "slow down"));
    reporter.failure = new RuntimeException("AccessDenied on PutLifecycleEventHookExecutionStatus");
    assertThatThrownBy(this::run)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("could not report Failed");
  }
}
