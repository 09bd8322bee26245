package dev.safedeploy.lambdas.alarms;

import io.grpc.Metadata;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.util.Map;
import java.util.function.Function;

/**
 * Where and how the bridge reaches Temporal: {@code TEMPORAL_ADDRESS} (host:port, required), {@code TEMPORAL_NAMESPACE}
 * (default "default"), and an API key from {@code TEMPORAL_API_KEY} or else the secret named by
 * {@code TEMPORAL_API_KEY_SECRET_ARN}. With a key, the connection uses TLS and sends the key as a bearer token, which
 * is how Temporal Cloud authenticates API-key clients.
 */
public record TemporalSettings(String address, String namespace, String apiKey) {

  public static final String ADDRESS = "TEMPORAL_ADDRESS";
  public static final String NAMESPACE = "TEMPORAL_NAMESPACE";
  public static final String API_KEY = "TEMPORAL_API_KEY";
  public static final String API_KEY_SECRET_ARN = "TEMPORAL_API_KEY_SECRET_ARN";

  /** Temporal Cloud routes API-key requests by this header when the address is not the namespace's own endpoint. */
  static final Metadata.Key<String> NAMESPACE_HEADER =
      Metadata.Key.of("temporal-namespace", Metadata.ASCII_STRING_MARSHALLER);

  @Override
  public String toString() {
    return "TemporalSettings[address=" + address + ", namespace=" + namespace + ", apiKey="
        + (apiKey == null ? "none" : "set") + "]";
  }

  /**
   * @param secretReader reads a Secrets Manager secret's string value by ARN; only called when the key is not given
   *     directly
   */
  public static TemporalSettings fromEnvironment(Map<String, String> env, Function<String, String> secretReader) {
    String address = blankToNull(env.get(ADDRESS));
    if (address == null) {
      throw new IllegalStateException(ADDRESS + " is not set: the bridge cannot reach Temporal");
    }
    String namespace = blankToNull(env.get(NAMESPACE));
    String apiKey = blankToNull(env.get(API_KEY));
    String secretArn = blankToNull(env.get(API_KEY_SECRET_ARN));
    if (apiKey == null && secretArn != null) {
      apiKey = blankToNull(secretReader.apply(secretArn));
      if (apiKey == null) {
        throw new IllegalStateException("secret " + secretArn + " (" + API_KEY_SECRET_ARN + ") holds no API key");
      }
    }
    return new TemporalSettings(address, namespace == null ? "default" : namespace, apiKey);
  }

  public boolean tls() {
    return apiKey != null;
  }

  public WorkflowServiceStubsOptions stubsOptions() {
    WorkflowServiceStubsOptions.Builder options = WorkflowServiceStubsOptions.newBuilder().setTarget(address);
    if (apiKey != null) {
      String key = apiKey;
      Metadata headers = new Metadata();
      headers.put(NAMESPACE_HEADER, namespace);
      options.setEnableHttps(true).addApiKey(() -> key).setHeaders(headers);
    }
    return options.build();
  }

  public WorkflowClient connect() {
    WorkflowServiceStubs stubs = WorkflowServiceStubs.newServiceStubs(stubsOptions());
    return WorkflowClient.newInstance(stubs, WorkflowClientOptions.newBuilder().setNamespace(namespace).build());
  }

  private static String blankToNull(String value) {
    return value == null || value.isBlank() ? null : value.trim();
  }
}
