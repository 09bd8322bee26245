package dev.safedeploy.lambdas.hooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
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
import software.amazon.awssdk.services.lambda.LambdaClient;

/**
 * The real invoker against a loopback server speaking Lambda's Invoke wire protocol (moto would need Docker to run
 * a function): the qualified version ARN is the target, and a function error (X-Amz-Function-Error) is a failure.
 */
class LambdaFunctionInvokerTest {

  private static final String VERSION_ARN = "arn:aws:lambda:us-east-1:123456789012:function:nyctaxi-api:7";

  private HttpServer server;
  private LambdaClient client;
  private final Map<String, String> seen = new HashMap<>();
  private final AtomicReference<String> functionError = new AtomicReference<>();
  private final AtomicReference<String> payload = new AtomicReference<>();

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", exchange -> {
      seen.put("path", URLDecoder.decode(exchange.getRequestURI().getRawPath(), StandardCharsets.UTF_8));
      seen.put("invocationType", exchange.getRequestHeaders().getFirst("X-Amz-Invocation-Type"));
      seen.put("body", new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
      if (functionError.get() != null) {
        exchange.getResponseHeaders().add("X-Amz-Function-Error", functionError.get());
      }
      exchange.getResponseHeaders().add("X-Amz-Executed-Version", "7");
      byte[] bytes = payload.get().getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(200, bytes.length);
      exchange.getResponseBody().write(bytes);
      exchange.close();
    });
    server.start();
    client = LambdaClient.builder()
        .endpointOverride(URI.create("http://127.0.0.1:" + server.getAddress().getPort()))
        .region(Region.US_EAST_1)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
        .httpClient(UrlConnectionHttpClient.create())
        .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()))
        .build();
  }

  @AfterEach
  void stop() {
    client.close();
    server.stop(0);
  }

  @Test
  void invokesTheVersionSynchronouslyAndReturnsItsPayload() {
    payload.set("{\"statusCode\":200,\"body\":\"25.1\\n\"}");

    String answer = new LambdaFunctionInvoker(client).invoke(VERSION_ARN, "{\"httpMethod\":\"POST\"}");

    assertThat(answer).isEqualTo("{\"statusCode\":200,\"body\":\"25.1\\n\"}");
    assertThat(seen.get("path")).isEqualTo("/2015-03-31/functions/" + VERSION_ARN + "/invocations");
    assertThat(seen.get("invocationType")).isEqualTo("RequestResponse");
    assertThat(seen.get("body")).isEqualTo("{\"httpMethod\":\"POST\"}");
  }

  @Test
  void aFunctionErrorIsAFailureCarryingTheErrorPayload() {
    functionError.set("Unhandled");
    payload.set("{\"errorMessage\":\"Metaspace\",\"errorType\":\"java.lang.OutOfMemoryError\"}");

    assertThatThrownBy(() -> new LambdaFunctionInvoker(client).invoke(VERSION_ARN, "{}"))
        .hasMessageContaining("Unhandled")
        .hasMessageContaining("OutOfMemoryError");
  }
}
