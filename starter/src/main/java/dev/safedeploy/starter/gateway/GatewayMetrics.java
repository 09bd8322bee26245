package dev.safedeploy.starter.gateway;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;

/** The gateway's Prometheus metrics (GET /metrics). */
public final class GatewayMetrics {

  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

  public PrometheusMeterRegistry registry() {
    return registry;
  }

  /** @param source button or command; @param result accepted, refused, unknown_run, unmapped_user, error */
  void decision(String source, String decision, String result) {
    Counter.builder("safedeploy.gateway.decisions")
        .description("approve/reject decisions received from Slack, by source and result")
        .tag("source", source).tag("decision", decision).tag("result", result)
        .register(registry).increment();
  }

  void signatureFailure(String reason) {
    Counter.builder("safedeploy.gateway.signature.failures")
        .description("Slack requests refused for a missing, stale or wrong X-Slack-Signature")
        .tag("reason", reason).register(registry).increment();
  }

  void slackApiError(String method, String error) {
    Counter.builder("safedeploy.gateway.slack.api.errors")
        .description("Slack Web API calls that failed")
        .tag("method", method).tag("error", error).register(registry).increment();
  }

  void notification(String kind) {
    Counter.builder("safedeploy.gateway.notifications")
        .description("workflow notifications received")
        .tag("kind", kind).register(registry).increment();
  }

  void request(String path, int status, Duration took) {
    Timer.builder("safedeploy.gateway.requests")
        .description("HTTP requests served by the gateway")
        .tag("path", path).tag("status", Integer.toString(status))
        .register(registry).record(took);
  }
}
