package dev.safedeploy.lambdas.hooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.safedeploy.workflows.json.JsonMapping;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.codedeploy.CodeDeployClient;

/**
 * The real reporter and SDK client against a loopback server speaking CodeDeploy's AWS JSON 1.1 protocol: moto's
 * CodeDeploy has no PutLifecycleEventHookExecutionStatus, so the wire shape is checked here instead.
 */
class CodeDeployStatusReporterTest {

  private static final ObjectMapper JSON = JsonMapping.mapper();

  private HttpServer server;
  private CodeDeployClient client;
  private final List<String> targets = new ArrayList<>();
  private final List<JsonNode> bodies = new ArrayList<>();
  private final AtomicInteger status = new AtomicInteger(200);
  private final AtomicReference<String> answer = new AtomicReference<>();
  private final HookStatusConformance conformance = new HookStatusConformance();

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", exchange -> {
      targets.add(exchange.getRequestHeaders().getFirst("X-Amz-Target"));
      bodies.add(JSON.readTree(exchange.getRequestBody().readAllBytes()));
      byte[] bytes = answer.get().getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("Content-Type", "application/x-amz-json-1.1");
      exchange.sendResponseHeaders(status.get(), bytes.length);
      exchange.getResponseBody().write(bytes);
      exchange.close();
    });
    server.start();
    client = CodeDeployClient.builder()
        .endpointOverride(URI.create("http://127.0.0.1:" + server.getAddress().getPort()))
        .region(Region.US_EAST_1)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
        .httpClient(UrlConnectionHttpClient.create())
        .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()).addExecutionInterceptor(conformance))
        .build();
  }

  @AfterEach
  void stop() {
    assertThat(conformance.violations).as("PutLifecycleEventHookExecutionStatus rule").isEmpty();
    client.close();
    server.stop(0);
  }

  @Test
  void reportsTheVerdictForTheHookExecution() {
    answer.set("{\"lifecycleEventHookExecutionId\":\"exec-1\"}");
    CodeDeployStatusReporter reporter = new CodeDeployStatusReporter(client);
    invoked("d-RRS6XUZ0B", "exec-1");
    invoked("d-RRS6XUZ0B", "exec-2");

    reporter.report(new LifecycleHookEvent("d-RRS6XUZ0B", "exec-1"), true);
    reporter.report(new LifecycleHookEvent("d-RRS6XUZ0B", "exec-2"), false);

    assertThat(targets).containsOnly("CodeDeploy_20141006.PutLifecycleEventHookExecutionStatus");
    assertThat(bodies.get(0).get("deploymentId").asText()).isEqualTo("d-RRS6XUZ0B");
    assertThat(bodies.get(0).get("lifecycleEventHookExecutionId").asText()).isEqualTo("exec-1");
    assertThat(bodies.get(0).get("status").asText()).isEqualTo("Succeeded");
    assertThat(bodies.get(1).get("status").asText()).isEqualTo("Failed");
  }

  @Test
  void anAlreadyCompletedEventIsNotAnError() {
    status.set(400);
    answer.set("{\"__type\":\"LifecycleEventAlreadyCompletedException\",\"message\":\"already completed\"}");
    invoked("d-1", "exec-1");
    new CodeDeployStatusReporter(client).report(new LifecycleHookEvent("d-1", "exec-1"), true);
    assertThat(targets).hasSize(1);
  }

  @Test
  void otherErrorsAreThrown() {
    status.set(400);
    answer.set("{\"__type\":\"DeploymentDoesNotExistException\",\"message\":\"no deployment d-1\"}");
    invoked("d-1", "exec-1");
    assertThatThrownBy(() -> new CodeDeployStatusReporter(client)
        .report(new LifecycleHookEvent("d-1", "exec-1"), true))
        .isInstanceOf(SdkException.class)
        .hasMessageContaining("no deployment d-1");
  }

  private void invoked(String deploymentId, String executionId) {
    conformance.invoked(java.util.Map.of("DeploymentId", deploymentId, "LifecycleEventHookExecutionId", executionId));
  }
}
