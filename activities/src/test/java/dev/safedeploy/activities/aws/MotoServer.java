package dev.safedeploy.activities.aws;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.ExtensionContext;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;

/** A running moto_server: its endpoint, a backend config and SDK clients pointed at it, and its control API. */
public final class MotoServer implements ExtensionContext.Store.CloseableResource, AutoCloseable {

  public static final String REGION = "us-east-1";
  public static final String BUCKET = "safedeploy-test";
  public static final String ROLE = "arn:aws:iam::123456789012:role/safedeploy-sagemaker";

  private final URI endpoint;
  private final Process process;
  private final Path log;
  private AwsClients clients;
  /** The conformance checks every client of {@link #clients()} runs (moto itself checks almost none of them). */
  public final AwsConformance conformance = new AwsConformance();

  MotoServer(URI endpoint, Process process, Path log) {
    this.endpoint = endpoint;
    this.process = process;
    this.log = log;
  }

  public URI endpoint() {
    return endpoint;
  }

  /** Backend config for moto: fast polling, short waits. */
  public AwsBackendConfig config() {
    return new AwsBackendConfig(REGION, endpoint, BUCKET, "sd", ROLE, null, AwsBackendConfig.TrafficMode.WEIGHTS,
        null, null, null, null, 0, null, Duration.ofMillis(20), Duration.ofSeconds(6));
  }

  public synchronized AwsClients clients() {
    if (clients == null) {
      clients = AwsClients.create(config(), UrlConnectionHttpClient.builder().build(),
          StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing")),
          java.util.List.of(conformance));
    }
    return clients;
  }

  boolean answers() {
    return MotoServerExtension.answers(endpoint);
  }

  /** Forgets every resource (moto's reset API), so each test starts from an empty account. */
  public void reset() {
    post("/moto-api/reset", "");
  }

  /** Queues answers for InvokeEndpoint (moto returns static data otherwise); see moto's sagemakerruntime docs. */
  public void queueEndpointResults(String resultsJson) {
    post("/moto-api/static/sagemaker/endpoint-results", resultsJson);
  }

  /** moto's view of every tracked model instance (e.g. SNS topics with their sent notifications). */
  public String modelData() {
    try {
      HttpURLConnection c = (HttpURLConnection) endpoint.resolve("/moto-api/data.json").toURL().openConnection();
      try (InputStream in = c.getInputStream()) {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
    } catch (IOException e) {
      throw new IllegalStateException("reading moto data: " + e.getMessage(), e);
    }
  }

  private void post(String path, String body) {
    try {
      HttpURLConnection c = (HttpURLConnection) endpoint.resolve(path).toURL().openConnection();
      c.setRequestMethod("POST");
      c.setDoOutput(true);
      c.setRequestProperty("Content-Type", "application/json");
      try (OutputStream out = c.getOutputStream()) {
        out.write(body.getBytes(StandardCharsets.UTF_8));
      }
      int code = c.getResponseCode();
      if (code >= 300) {
        throw new IllegalStateException("moto " + path + " answered " + code);
      }
    } catch (IOException e) {
      throw new IllegalStateException("moto " + path + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
  }

  @Override
  public String toString() {
    return "moto_server at " + endpoint + " (log " + log + ")";
  }
}
