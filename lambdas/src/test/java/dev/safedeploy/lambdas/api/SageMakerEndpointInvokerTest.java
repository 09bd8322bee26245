package dev.safedeploy.lambdas.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.safedeploy.lambdas.api.EndpointInvoker.Answer;
import dev.safedeploy.lambdas.api.EndpointInvoker.Invocation;
import dev.safedeploy.lambdas.api.InvocationException.Kind;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sagemakerruntime.SageMakerRuntimeClient;

/**
 * The real invoker and the real SDK client against a loopback server that speaks SageMaker Runtime's wire protocol
 * (REST-JSON: errors named by the x-amzn-ErrorType header), so the SDK's own unmarshalling decides which exception
 * arrives, and we check how each is classified. moto has no SageMaker Runtime, hence the hand-made server.
 */
class SageMakerEndpointInvokerTest {

  private record Reply(int status, Map<String, String> headers, String body) {}

  private HttpServer server;
  private final AtomicReference<Reply> reply = new AtomicReference<>();
  private final AtomicReference<HttpExchangeRecord> seen = new AtomicReference<>();
  private SageMakerRuntimeClient client;
  private SageMakerEndpointInvoker invoker;

  private record HttpExchangeRecord(String method, String path, Map<String, String> headers, String body) {}

  @BeforeEach
  void startServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", this::answer);
    server.start();
    client = SageMakerRuntimeClient.builder()
        .endpointOverride(URI.create("http://127.0.0.1:" + server.getAddress().getPort()))
        .region(Region.US_EAST_1)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
        .httpClient(UrlConnectionHttpClient.builder().socketTimeout(Duration.ofSeconds(10)).build())
        .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()))
        .build();
    invoker = new SageMakerEndpointInvoker(client);
  }

  @AfterEach
  void stopServer() {
    client.close();
    server.stop(0);
  }

  private void answer(HttpExchange exchange) throws IOException {
    String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    seen.set(new HttpExchangeRecord(exchange.getRequestMethod(), exchange.getRequestURI().getPath(), Map.of(
        "content-type", String.valueOf(exchange.getRequestHeaders().getFirst("Content-Type")),
        "accept", String.valueOf(exchange.getRequestHeaders().getFirst("Accept")),
        "custom-attributes",
        String.valueOf(exchange.getRequestHeaders().getFirst("X-Amzn-SageMaker-Custom-Attributes"))), body));
    Reply r = reply.get();
    r.headers().forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
    byte[] bytes = r.body().getBytes(StandardCharsets.UTF_8);
    exchange.sendResponseHeaders(r.status(), bytes.length == 0 ? -1 : bytes.length);
    exchange.getResponseBody().write(bytes);
    exchange.close();
  }

  private Invocation csv(String rows, String customAttributes) {
    return new Invocation("nyctaxi-prod", "text/csv", "text/csv", customAttributes,
        rows.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void successPassesBodyAndAttributesAndReadsTheInvokedVariant() {
    reply.set(new Reply(200, Map.of("Content-Type", "text/csv", "x-Amzn-Invoked-Production-Variant", "v2",
        "X-Amzn-SageMaker-Custom-Attributes", "echo=1"), "25.1\n61.7\n"));

    Answer answer = invoker.invoke(csv("12.5,1,2.3\n33.0,2,9.75\n", "trace_id=abc"));

    assertThat(seen.get().method()).isEqualTo("POST");
    assertThat(seen.get().path()).isEqualTo("/endpoints/nyctaxi-prod/invocations");
    assertThat(seen.get().body()).isEqualTo("12.5,1,2.3\n33.0,2,9.75\n");
    assertThat(seen.get().headers()).containsEntry("content-type", "text/csv").containsEntry("accept", "text/csv")
        .containsEntry("custom-attributes", "trace_id=abc");
    assertThat(new String(answer.body(), StandardCharsets.UTF_8)).isEqualTo("25.1\n61.7\n");
    assertThat(answer.invokedVariant()).isEqualTo("v2");
    assertThat(answer.contentType()).isEqualTo("text/csv");
    assertThat(answer.customAttributes()).isEqualTo("echo=1");
  }

  @Test
  void modelErrorIs424WithTheContainersMessage() {
    reply.set(error(424, "ModelError", "{\"message\":\"Received server error (500) from primary\","
        + "\"OriginalStatusCode\":500,\"OriginalMessage\":\"feature_names mismatch\","
        + "\"LogStreamArn\":\"arn:aws:logs:us-east-1:123456789012:log-group:/aws/sagemaker/Endpoints/nyctaxi-prod\"}"));
    InvocationException e = failure();
    assertThat(e.kind()).isEqualTo(Kind.MODEL_ERROR);
    assertThat(e.getMessage()).contains("500").contains("feature_names mismatch");
  }

  @Test
  void missingEndpointIsEndpointNotFound() {
    reply.set(error(400, "ValidationError",
        "{\"message\":\"Endpoint nyctaxi-prod of account 123456789012 not found.\"}"));
    InvocationException e = failure();
    assertThat(e.kind()).isEqualTo(Kind.ENDPOINT_NOT_FOUND);
    assertThat(e.getMessage()).contains("nyctaxi-prod");
  }

  @Test
  void otherValidationErrorsAreBadRequests() {
    reply.set(error(400, "ValidationError", "{\"message\":\"Request payload size exceeds the 6 MB limit\"}"));
    assertThat(failure().kind()).isEqualTo(Kind.BAD_REQUEST);
  }

  @Test
  void throttlingIs429() {
    reply.set(error(400, "ThrottlingException", "{\"message\":\"Rate exceeded\"}"));
    assertThat(failure().kind()).isEqualTo(Kind.THROTTLED);
  }

  @Test
  void serviceUnavailableAndModelNotReadyAre503() {
    reply.set(error(503, "ServiceUnavailable", "{\"message\":\"Service is unavailable\"}"));
    assertThat(failure().kind()).isEqualTo(Kind.UNAVAILABLE);
    reply.set(error(429, "ModelNotReadyException", "{\"Message\":\"Model is not ready\"}"));
    assertThat(failure().kind()).isEqualTo(Kind.UNAVAILABLE);
  }

  @Test
  void internalFailuresAndUnknownErrorsAre502() {
    reply.set(error(500, "InternalFailure", "{\"message\":\"internal\"}"));
    assertThat(failure().kind()).isEqualTo(Kind.UPSTREAM_FAILURE);
    reply.set(error(403, "AccessDeniedException",
        "{\"message\":\"not authorized to perform sagemaker:InvokeEndpoint\"}"));
    InvocationException denied = failure();
    assertThat(denied.kind()).isEqualTo(Kind.UPSTREAM_FAILURE);
    assertThat(denied.getMessage()).contains("AccessDeniedException");
  }

  @Test
  void unreachableServiceIs502() {
    server.stop(0);
    assertThat(failure().kind()).isEqualTo(Kind.UPSTREAM_FAILURE);
  }

  private static Reply error(int status, String type, String body) {
    return new Reply(status, Map.of("x-amzn-ErrorType", type, "Content-Type", "application/json"), body);
  }

  private InvocationException failure() {
    return catchThrowableOfType(InvocationException.class, () -> invoker.invoke(csv("1,1,1\n", null)));
  }
}
