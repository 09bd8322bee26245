package dev.safedeploy.worker.temporal;

import com.uber.m3.tally.Scope;
import dev.safedeploy.worker.config.WorkerConfig;
import dev.safedeploy.workflows.pipeline.SearchAttributes;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import io.temporal.api.enums.v1.IndexedValueType;
import io.temporal.api.operatorservice.v1.AddSearchAttributesRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.serviceclient.OperatorServiceStubs;
import io.temporal.serviceclient.OperatorServiceStubsOptions;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.io.File;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A Temporal connection from {@link WorkerConfig}: plain for local servers, TLS / mTLS / API key for Cloud. */
public final class TemporalConnection implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(TemporalConnection.class);

  private final WorkflowServiceStubs service;
  private final WorkflowClient client;
  private final WorkerConfig config;

  private TemporalConnection(WorkerConfig config, WorkflowServiceStubs service) {
    this.config = config;
    this.service = service;
    this.client = WorkflowClient.newInstance(service,
        WorkflowClientOptions.newBuilder().setNamespace(config.namespace()).build());
  }

  public static TemporalConnection connect(WorkerConfig config, Scope metricsScope) {
    WorkflowServiceStubsOptions.Builder options = WorkflowServiceStubsOptions.newBuilder()
        .setTarget(config.temporalAddress());
    if (metricsScope != null) {
      options.setMetricsScope(metricsScope);
    }
    if (config.tls()) {
      options.setEnableHttps(true);
      if (config.tlsCertPath() != null && config.tlsKeyPath() != null) {
        try {
          SslContext ssl = GrpcSslContexts.forClient()
              .keyManager(new File(config.tlsCertPath()), new File(config.tlsKeyPath())).build();
          options.setSslContext(ssl);
        } catch (SSLException e) {
          throw new IllegalArgumentException("cannot load the TLS client certificate/key: " + e.getMessage(), e);
        }
      }
    }
    if (config.apiKey() != null) {
      options.addApiKey(config::apiKey);
      Metadata headers = new Metadata();
      headers.put(Metadata.Key.of("temporal-namespace", Metadata.ASCII_STRING_MARSHALLER), config.namespace());
      options.setHeaders(headers);
    }
    return new TemporalConnection(config, WorkflowServiceStubs.newServiceStubs(options.build()));
  }

  public WorkflowClient client() {
    return client;
  }

  public WorkflowServiceStubs service() {
    return service;
  }

  /**
   * Registers the pipeline's search attributes on the namespace. Self-hosted servers accept this; Temporal Cloud wants
   * them created with tcld or the UI, and then this logs and carries on.
   */
  public void ensureSearchAttributes() {
    OperatorServiceStubs operator = OperatorServiceStubs.newServiceStubs(OperatorServiceStubsOptions.newBuilder()
        .setChannel(service.getRawChannel()).validateAndBuildWithDefaults());
    try {
      AddSearchAttributesRequest.Builder request = AddSearchAttributesRequest.newBuilder()
          .setNamespace(config.namespace());
      SearchAttributes.ALL.forEach(k ->
          request.putSearchAttributes(k.getName(), IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD));
      operator.blockingStub().addSearchAttributes(request.build());
      log.info("registered search attributes {}", SearchAttributes.ALL.stream().map(k -> k.getName()).toList());
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() == Status.Code.ALREADY_EXISTS) {
        log.debug("search attributes already registered");
      } else {
        log.warn("could not register search attributes ({}); create them as the README says: {}",
            e.getStatus().getCode(), SearchAttributes.ALL.stream().map(k -> k.getName()).toList());
      }
    } finally {
      operator.shutdown();
    }
  }

  @Override
  public void close() {
    service.shutdown();
  }
}
