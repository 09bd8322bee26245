package dev.safedeploy.activities.aws;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.AbortableInputStream;
import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpResponse;

/**
 * An SdkHttpClient answering with recorded AWS responses (bodies in the service's real wire format), for the branches
 * moto cannot reach: jobs that run and finish, CodeDeploy deployments that
 * move. Responses are queued per operation: the JSON protocols' X-Amz-Target (e.g. {@code SageMaker.DescribeEndpoint}),
 * the query protocol's Action (e.g. {@code DescribeStacks}) or, for REST services, {@code METHOD /path}. The last response of an operation repeats once the queue is down to it.
 * Every request body is kept for assertions.
 */
public final class RecordedHttpClient implements SdkHttpClient {

  public record Call(String operation, String body) {}

  private record Answer(int status, String body) {}

  private final Map<String, Deque<Answer>> answers = new HashMap<>();
  public final List<Call> calls = new ArrayList<>();
  /** The conformance checks every client of {@link #clients(AwsBackendConfig)} runs. */
  public final AwsConformance conformance = new AwsConformance();

  public RecordedHttpClient on(String operation, String body) {
    return on(operation, 200, body);
  }

  public RecordedHttpClient on(String operation, int status, String body) {
    answers.computeIfAbsent(operation, k -> new ArrayDeque<>()).add(new Answer(status, body));
    return this;
  }

  /**
   * An answer for calls of {@code operation} whose body or query string contains {@code contains} (e.g. one
   * deployment id among several); these win over the plain answers of the operation.
   */
  public RecordedHttpClient onMatching(String operation, String contains, String body) {
    return onMatching(operation, contains, 200, body);
  }

  /** As {@link #onMatching(String, String, String)}, with a status (e.g. a 400 "not found" first, then the thing). */
  public RecordedHttpClient onMatching(String operation, String contains, int status, String body) {
    answers.computeIfAbsent(operation + MATCH + contains, k -> new ArrayDeque<>()).add(new Answer(status, body));
    return this;
  }

  private static final String MATCH = "\u0000";

  public List<String> bodiesOf(String operation) {
    return calls.stream().filter(c -> c.operation().equals(operation)).map(Call::body).toList();
  }

  /** A config + clients whose every call goes to this recorder. */
  public AwsClients clients(AwsBackendConfig config) {
    return AwsClients.create(config, this, StaticCredentialsProvider.create(AwsBasicCredentials.create("a", "b")),
        List.of(conformance));
  }

  public static AwsBackendConfig config() {
    return new AwsBackendConfig("us-east-1", java.net.URI.create("http://recorded.invalid"), "bucket", "sd",
        "arn:aws:iam::123456789012:role/sm", null, AwsBackendConfig.TrafficMode.WEIGHTS, null, null, null, null, 0,
        null, Duration.ofMillis(5), Duration.ofSeconds(20));
  }

  @Override
  public ExecutableHttpRequest prepareRequest(HttpExecuteRequest request) {
    return new ExecutableHttpRequest() {
      @Override
      public HttpExecuteResponse call() {
        String body = request.contentStreamProvider().map(p -> {
          try (InputStream in = p.newStream()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        }).orElse("");
        Optional<String> target = request.httpRequest().firstMatchingHeader("X-Amz-Target");
        String op = target.orElseGet(() -> body.startsWith("Action=")
            ? body.substring("Action=".length()).split("&", 2)[0] // query protocol (CloudFormation, CloudWatch)
            : request.httpRequest().method() + " " + request.httpRequest().encodedPath());
        synchronized (RecordedHttpClient.this) {
          calls.add(new Call(op, body));
          String text = body + "?" + request.httpRequest().rawQueryParameters();
          Deque<Answer> q = answers.entrySet().stream()
              .filter(e -> e.getKey().startsWith(op + MATCH) && text.contains(e.getKey().substring(op.length() + 1)))
              .map(Map.Entry::getValue).findFirst().orElse(answers.get(op));
          if (q == null || q.isEmpty()) {
            throw new AssertionError("no recorded answer for " + op + " (request body " + body + ")");
          }
          Answer a = q.size() > 1 ? q.poll() : q.peek();
          byte[] bytes = a.body().getBytes(StandardCharsets.UTF_8);
          return HttpExecuteResponse.builder()
              .response(SdkHttpResponse.builder().statusCode(a.status())
                  .putHeader("Content-Type", target.isPresent() ? "application/x-amz-json-1.1" : "application/json")
                  .putHeader("x-amzn-RequestId", "recorded")
                  .putHeader("Content-Length", Integer.toString(bytes.length)).build())
              .responseBody(AbortableInputStream.create(new ByteArrayInputStream(bytes)))
              .build();
        }
      }

      @Override
      public void abort() {}
    };
  }

  @Override
  public void close() {}
}
