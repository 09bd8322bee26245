package dev.safedeploy.starter.connection;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.envconfig.ClientConfigProfile;
import io.temporal.envconfig.LoadClientConfigProfileOptions;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A Temporal client configured the standard Temporal way (temporal-envconfig): the profile from temporal.toml
 * (TEMPORAL_CONFIG_FILE, TEMPORAL_PROFILE), then TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_API_KEY,
 * TEMPORAL_TLS, TEMPORAL_TLS_CLIENT_CERT_PATH / _KEY_PATH / SERVER_CA_CERT_PATH / SERVER_NAME, then the command line's
 * --address / --namespace. Defaults to the embedded dev server, 127.0.0.1:7233, namespace "default".
 */
public final class TemporalConnection implements AutoCloseable {

  public static final String DEFAULT_ADDRESS = "127.0.0.1:7233";
  public static final String DEFAULT_NAMESPACE = "default";

  private final WorkflowServiceStubs stubs;
  private final WorkflowClient client;
  private final String address;
  private final String namespace;

  private TemporalConnection(WorkflowServiceStubs stubs, WorkflowClient client, String address, String namespace) {
    this.stubs = stubs;
    this.client = client;
    this.address = address;
    this.namespace = namespace;
  }

  /** Where to connect and how, resolved but not yet connected. */
  public record Settings(ClientConfigProfile profile, String address, String namespace) {}

  public static Settings resolve(Map<String, String> env, String addressOverride, String namespaceOverride) {
    ClientConfigProfile profile;
    try {
      profile = ClientConfigProfile.load(LoadClientConfigProfileOptions.newBuilder().setEnvOverrides(env).build());
    } catch (IOException | RuntimeException e) {
      throw new ConnectionException(false, "cannot load Temporal client config (temporal.toml / TEMPORAL_*): "
          + e.getMessage(), e);
    }
    String address = firstNonBlank(addressOverride, profile.getAddress(), DEFAULT_ADDRESS);
    String namespace = firstNonBlank(namespaceOverride, profile.getNamespace(), DEFAULT_NAMESPACE);
    return new Settings(profile.toBuilder().setAddress(address).setNamespace(namespace).build(), address, namespace);
  }

  /** Connects, failing within {@code connectTimeout} when the server does not answer. */
  public static TemporalConnection open(Settings settings, Duration connectTimeout) {
    WorkflowServiceStubsOptions options;
    try {
      options = WorkflowServiceStubsOptions.newBuilder(settings.profile().toWorkflowServiceStubsOptions())
          .setRpcQueryTimeout(Duration.ofSeconds(10))
          .setSystemInfoTimeout(connectTimeout)
          .build();
    } catch (RuntimeException e) {
      throw new ConnectionException(false, "bad Temporal TLS/API-key settings: " + e.getMessage(), e);
    }
    WorkflowServiceStubs stubs = WorkflowServiceStubs.newServiceStubs(options);
    // A hard deadline of our own: the SDK's connect retries past its timeout, and scripts must not hang.
    CompletableFuture<Object> probe = CompletableFuture.supplyAsync(() -> stubs.getServerCapabilities().get());
    try {
      probe.get(connectTimeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      probe.cancel(true);
      stubs.shutdownNow();
      throw new ConnectionException(true, "cannot reach the Temporal server at " + settings.address()
          + " within " + connectTimeout.toMillis() + " ms; is it running? (`safedeploy dev`, docker compose up, "
          + "or set TEMPORAL_ADDRESS / --address)", e);
    } catch (ExecutionException e) {
      stubs.shutdownNow();
      StatusRuntimeException status = findStatus(e.getCause());
      if (status != null) {
        throw unreachable(settings.address(), status);
      }
      throw new ConnectionException(true, "cannot connect to Temporal at " + settings.address() + ": "
          + e.getCause().getMessage(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      stubs.shutdownNow();
      throw new ConnectionException(true, "interrupted while connecting to " + settings.address(), e);
    }
    WorkflowClientOptions clientOptions = WorkflowClientOptions.newBuilder(
            settings.profile().toWorkflowClientOptions())
        .setNamespace(settings.namespace())
        .setIdentity("safedeploy-cli@" + hostName())
        .build();
    return new TemporalConnection(stubs, WorkflowClient.newInstance(stubs, clientOptions), settings.address(),
        settings.namespace());
  }

  private static ConnectionException unreachable(String address, StatusRuntimeException e) {
    String why = e.getStatus().getDescription() != null ? e.getStatus().getDescription() : e.getStatus().getCode()
        .toString();
    return new ConnectionException(true, "cannot reach the Temporal server at " + address + " (" + why
        + "); is it running? (`safedeploy dev`, docker compose up, or set TEMPORAL_ADDRESS / --address)", e);
  }

  static StatusRuntimeException findStatus(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof StatusRuntimeException s) {
        return s;
      }
    }
    return null;
  }

  public static boolean isUnreachable(Status.Code code) {
    return code == Status.Code.UNAVAILABLE || code == Status.Code.DEADLINE_EXCEEDED;
  }

  public WorkflowClient client() {
    return client;
  }

  public WorkflowServiceStubs stubs() {
    return stubs;
  }

  public String address() {
    return address;
  }

  public String namespace() {
    return namespace;
  }

  @Override
  public void close() {
    stubs.shutdown();
    stubs.awaitTermination(2, TimeUnit.SECONDS);
  }

  private static String firstNonBlank(String... values) {
    for (String v : values) {
      if (v != null && !v.isBlank()) {
        return v;
      }
    }
    return null;
  }

  private static String hostName() {
    try {
      return java.net.InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "localhost";
    }
  }

  /** Connection trouble; {@code unreachable} tells a server that does not answer from bad settings. */
  public static final class ConnectionException extends RuntimeException {
    private final boolean unreachable;

    public ConnectionException(boolean unreachable, String message, Throwable cause) {
      super(message, cause);
      this.unreachable = unreachable;
    }

    public boolean unreachable() {
      return unreachable;
    }
  }
}
