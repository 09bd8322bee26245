package dev.safedeploy.workflows.client;

import com.uber.m3.tally.Scope;
import dev.safedeploy.workflows.pipeline.SearchAttributes;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.api.enums.v1.IndexedValueType;
import io.temporal.api.operatorservice.v1.AddSearchAttributesRequest;
import io.temporal.api.operatorservice.v1.ListSearchAttributesRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.envconfig.ClientConfigProfile;
import io.temporal.envconfig.LoadClientConfigProfileOptions;
import io.temporal.serviceclient.OperatorServiceStubs;
import io.temporal.serviceclient.OperatorServiceStubsOptions;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

/**
 * The one way every safedeploy process reaches Temporal (worker, CLI, gateway, platform, alarm-bridge Lambda): the
 * standard client configuration of temporal-envconfig, as the {@code temporal} CLI reads it. First the profile
 * {@code TEMPORAL_PROFILE} (default "default") of temporal.toml ({@code TEMPORAL_CONFIG_FILE}, or
 * ~/.config/temporalio/temporal.toml), then {@code TEMPORAL_ADDRESS}, {@code TEMPORAL_NAMESPACE},
 * {@code TEMPORAL_API_KEY}, {@code TEMPORAL_TLS}, {@code TEMPORAL_TLS_CLIENT_CERT_PATH|_DATA},
 * {@code TEMPORAL_TLS_CLIENT_KEY_PATH|_DATA}, {@code TEMPORAL_TLS_SERVER_CA_CERT_PATH|_DATA},
 * {@code TEMPORAL_TLS_SERVER_NAME}, {@code TEMPORAL_GRPC_META_*}, then explicit overrides (a command line's
 * {@code --address}). Without any of them: 127.0.0.1:7233, namespace "default" — the dev server.
 */
public final class TemporalConnection implements AutoCloseable {

  public static final String DEFAULT_ADDRESS = "127.0.0.1:7233";
  public static final String DEFAULT_NAMESPACE = "default";
  public static final Metadata.Key<String> NAMESPACE_HEADER =
      Metadata.Key.of("temporal-namespace", Metadata.ASCII_STRING_MARSHALLER);

  private final WorkflowServiceStubs stubs;
  private final WorkflowClient client;
  private final Settings settings;

  private TemporalConnection(WorkflowServiceStubs stubs, WorkflowClient client, Settings settings) {
    this.stubs = stubs;
    this.client = client;
    this.settings = settings;
  }

  /** Where to connect and how, resolved but not yet connected. */
  public record Settings(ClientConfigProfile profile, String address, String namespace) {

    /** The same settings pointed at another address (a dev server this process started, say). */
    public Settings withAddress(String newAddress) {
      return new Settings(profile.toBuilder().setAddress(newAddress).build(), newAddress, namespace);
    }
  }

  /**
   * How to open: {@code connectTimeout} null opens lazily (a worker that starts before its server comes up keeps
   * retrying); otherwise the server must answer within it. {@code metrics} may be null.
   */
  public record Options(Duration connectTimeout, String identity, Scope metrics) {
    public static Options probing(Duration connectTimeout, String identity) {
      return new Options(connectTimeout, identity, null);
    }
  }

  public static Settings resolve(Map<String, String> env) {
    return resolve(env, null, null);
  }

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
    if (!address.matches("[^\\s:/]+:\\d{1,5}") && !address.matches("\\[[0-9a-fA-F:]+]:\\d{1,5}")) {
      throw new ConnectionException(false, "bad Temporal address '" + address + "': expected HOST:PORT", null);
    }
    int port = Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
    if (port < 1 || port > 65535) {
      throw new ConnectionException(false, "bad Temporal address '" + address + "': port must be 1-65535", null);
    }
    return new Settings(profile.toBuilder().setAddress(address).setNamespace(namespace).build(), address, namespace);
  }

  public static TemporalConnection open(Settings settings, Options options) {
    WorkflowServiceStubsOptions stubsOptions;
    try {
      WorkflowServiceStubsOptions.Builder b = WorkflowServiceStubsOptions.newBuilder(
              settings.profile().toWorkflowServiceStubsOptions())
          .setRpcQueryTimeout(Duration.ofSeconds(10));
      if (options.connectTimeout() != null) {
        b.setSystemInfoTimeout(options.connectTimeout());
      }
      if (options.metrics() != null) {
        b.setMetricsScope(options.metrics());
      }
      stubsOptions = b.build();
      if (settings.profile().getApiKey() != null) {
        // Temporal Cloud routes API-key requests by this header when the address is a regional endpoint
        Metadata headers = new Metadata();
        if (stubsOptions.getHeaders() != null) {
          headers.merge(stubsOptions.getHeaders());
        }
        headers.put(NAMESPACE_HEADER, settings.namespace());
        stubsOptions = WorkflowServiceStubsOptions.newBuilder(stubsOptions).setHeaders(headers).build();
      }
    } catch (RuntimeException e) {
      throw new ConnectionException(false, "bad Temporal TLS/API-key settings: " + e.getMessage(), e);
    }
    WorkflowServiceStubs stubs = options.connectTimeout() == null
        ? WorkflowServiceStubs.newServiceStubs(stubsOptions)
        : probe(WorkflowServiceStubs.newServiceStubs(stubsOptions), settings.address(), options.connectTimeout());
    WorkflowClientOptions.Builder clientOptions = WorkflowClientOptions.newBuilder(
            settings.profile().toWorkflowClientOptions())
        .setNamespace(settings.namespace());
    if (options.identity() != null) {
      clientOptions.setIdentity(options.identity() + "@" + hostName());
    }
    return new TemporalConnection(stubs, WorkflowClient.newInstance(stubs, clientOptions.build()), settings);
  }

  /** A hard deadline of our own: the SDK's connect retries past its timeout, and scripts must not hang. */
  private static WorkflowServiceStubs probe(WorkflowServiceStubs stubs, String address, Duration timeout) {
    CompletableFuture<Object> probe = CompletableFuture.supplyAsync(() -> stubs.getServerCapabilities().get());
    try {
      probe.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      return stubs;
    } catch (TimeoutException e) {
      probe.cancel(true);
      stubs.shutdownNow();
      throw new ConnectionException(true, "cannot reach the Temporal server at " + address + " within "
          + timeout.toMillis() + " ms; is it running? (`safedeploy dev`, docker compose up, "
          + "or set TEMPORAL_ADDRESS / --address)", e);
    } catch (ExecutionException e) {
      stubs.shutdownNow();
      StatusRuntimeException status = findStatus(e.getCause());
      if (status != null) {
        String why = status.getStatus().getDescription() != null ? status.getStatus().getDescription()
            : status.getStatus().getCode().toString();
        boolean unreachable = isUnreachable(status.getStatus().getCode());
        throw new ConnectionException(unreachable, (unreachable ? "cannot reach the Temporal server at "
            : "the Temporal server at ") + address + (unreachable ? " (" + why + "); is it running? "
            + "(`safedeploy dev`, docker compose up, or set TEMPORAL_ADDRESS / --address)" : " refused us: " + why),
            status);
      }
      throw new ConnectionException(true, "cannot connect to Temporal at " + address + ": "
          + e.getCause().getMessage(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      stubs.shutdownNow();
      throw new ConnectionException(true, "interrupted while connecting to " + address, e);
    }
  }

  /**
   * Registers the pipeline's search attributes on the namespace when they are missing. Self-hosted servers accept
   * this; Temporal Cloud wants them created with tcld or its UI, so there a refusal is returned, not thrown.
   *
   * @return null when all are registered, otherwise what to tell the operator
   */
  public String ensureSearchAttributes() {
    OperatorServiceStubs operator = OperatorServiceStubs.newServiceStubs(OperatorServiceStubsOptions.newBuilder()
        .setChannel(stubs.getRawChannel()).validateAndBuildWithDefaults());
    try {
      Set<String> present = operator.blockingStub().listSearchAttributes(ListSearchAttributesRequest.newBuilder()
          .setNamespace(settings.namespace()).build()).getCustomAttributesMap().keySet();
      AddSearchAttributesRequest.Builder request = AddSearchAttributesRequest.newBuilder()
          .setNamespace(settings.namespace());
      SearchAttributes.ALL.stream().filter(k -> !present.contains(k.getName())).forEach(k ->
          request.putSearchAttributes(k.getName(), IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD));
      if (request.getSearchAttributesCount() > 0) {
        operator.blockingStub().addSearchAttributes(request.build());
      }
      return null;
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() == Status.Code.ALREADY_EXISTS) {
        return null;
      }
      return "could not register search attributes " + SearchAttributes.ALL.stream().map(k -> k.getName())
          .collect(Collectors.joining(", ")) + " on namespace " + settings.namespace() + " ("
          + e.getStatus().getCode() + "); create them as the README says";
    } finally {
      operator.shutdown();
    }
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

  public Settings settings() {
    return settings;
  }

  public String address() {
    return settings.address();
  }

  public String namespace() {
    return settings.namespace();
  }

  @Override
  public void close() {
    stubs.shutdown();
    stubs.awaitTermination(2, TimeUnit.SECONDS);
  }

  private static String firstNonBlank(String... values) {
    for (String v : values) {
      if (v != null && !v.isBlank()) {
        return v.trim();
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
