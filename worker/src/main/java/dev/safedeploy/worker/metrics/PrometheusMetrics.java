package dev.safedeploy.worker.metrics;

import com.sun.net.httpserver.HttpServer;
import com.uber.m3.tally.RootScopeBuilder;
import com.uber.m3.tally.Scope;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.temporal.common.reporter.MicrometerClientStatsReporter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * Prometheus metrics through Micrometer: the Temporal SDK's worker and client metrics, and the pipeline's own
 * (safedeploy_pipelines by outcome, safedeploy_stage_duration by stage, safedeploy_rollbacks,
 * safedeploy_approval_wait — emitted by the workflow through its replay-safe metrics scope), on GET /metrics.
 */
public final class PrometheusMetrics implements AutoCloseable {

  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final Scope scope;
  private final HttpServer server;

  private PrometheusMetrics(int port) {
    new JvmMemoryMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    scope = new RootScopeBuilder()
        .reporter(new MicrometerClientStatsReporter(registry))
        .reportEvery(com.uber.m3.util.Duration.ofSeconds(1));
    if (port > 0) {
      try {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot serve metrics on 127.0.0.1:" + port
            + " (set SAFEDEPLOY_METRICS_PORT, 0 to disable)", e);
      }
      server.createContext("/metrics", exchange -> {
        byte[] body = registry.scrape().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
        exchange.sendResponseHeaders(200, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(body);
        }
      });
      server.start();
    } else {
      server = null;
    }
  }

  public static PrometheusMetrics start(int port) {
    return new PrometheusMetrics(port);
  }

  /** The scope to hand to WorkflowServiceStubsOptions, so SDK and workflow metrics reach the registry. */
  public Scope scope() {
    return scope;
  }

  public PrometheusMeterRegistry registry() {
    return registry;
  }

  public String scrape() {
    return registry.scrape();
  }

  @Override
  public void close() {
    if (server != null) {
      server.stop(0);
    }
    try {
      scope.close();
    } catch (com.uber.m3.tally.ScopeCloseException e) {
      // Closing only flushes the last report; nothing to recover.
    }
  }
}
