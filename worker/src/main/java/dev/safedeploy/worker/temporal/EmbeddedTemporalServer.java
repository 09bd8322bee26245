package dev.safedeploy.worker.temporal;

import dev.safedeploy.workflows.pipeline.SearchAttributes;
import io.grpc.BindableService;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.temporal.api.enums.v1.IndexedValueType;
import io.temporal.api.operatorservice.v1.AddSearchAttributesRequest;
import io.temporal.internal.testservice.TestServicesStarter;
import io.temporal.serviceclient.OperatorServiceStubs;
import io.temporal.serviceclient.OperatorServiceStubsOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded default: Temporal's own Java server ({@code temporal-test-server}), in real time (time skipping locked),
 * bound to 127.0.0.1 only. {@code TestServer.createPortBoundServer} would bind every interface, so the same services
 * are bound here on loopback. It keeps state in memory: a restart of this process forgets workflow histories. Sticky
 * execution is off ({@link NoStickyInterceptor}), so that a worker process that dies never strands a run.
 */
public final class EmbeddedTemporalServer implements TemporalServer {

  private static final Logger log = LoggerFactory.getLogger(EmbeddedTemporalServer.class);

  private final TestServicesStarter services;
  private final Server server;
  private final int port;

  private EmbeddedTemporalServer(TestServicesStarter services, Server server) {
    this.services = services;
    this.server = server;
    this.port = server.getPort();
  }

  /** Starts on 127.0.0.1:port (0 picks a free port) and registers the pipeline's search attributes. */
  public static EmbeddedTemporalServer start(int port) {
    TestServicesStarter services = new TestServicesStarter(true, 0);
    NettyServerBuilder builder =
        NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", port), InsecureServerCredentials.create());
    NoStickyInterceptor noSticky = new NoStickyInterceptor();
    for (BindableService service : services.getServices()) {
      builder.addService(ServerInterceptors.intercept(service, noSticky));
    }
    Server server;
    try {
      server = builder.build().start();
    } catch (IOException e) {
      services.close();
      throw new UncheckedIOException("cannot bind the embedded Temporal server to 127.0.0.1:" + port
          + " (is another server running? set --temporal-port)", e);
    }
    EmbeddedTemporalServer embedded = new EmbeddedTemporalServer(services, server);
    embedded.registerSearchAttributes();
    log.info("embedded Temporal server listening on 127.0.0.1:{}", embedded.port);
    return embedded;
  }

  /** Through the server's own OperatorService over gRPC, as a real server would be configured. */
  private void registerSearchAttributes() {
    OperatorServiceStubs operator = OperatorServiceStubs.newServiceStubs(
        OperatorServiceStubsOptions.newBuilder().setTarget(address()).validateAndBuildWithDefaults());
    try {
      AddSearchAttributesRequest.Builder request = AddSearchAttributesRequest.newBuilder().setNamespace("default");
      SearchAttributes.ALL.forEach(k ->
          request.putSearchAttributes(k.getName(), IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD));
      operator.blockingStub().addSearchAttributes(request.build());
    } finally {
      operator.shutdown();
    }
  }

  public int port() {
    return port;
  }

  @Override
  public String address() {
    return "127.0.0.1:" + port;
  }

  @Override
  public java.net.URI webUi() {
    return null;
  }

  @Override
  public boolean durable() {
    return false;
  }

  @Override
  public String description() {
    return "embedded Java test server (in memory, no Web UI)";
  }

  @Override
  public void close() {
    server.shutdown();
    try {
      server.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    server.shutdownNow();
    services.close();
  }
}
