package dev.safedeploy.activities.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.safedeploy.activities.aws.sns.AwsNotificationActivitiesImpl;
import dev.safedeploy.workflows.activities.NotificationActivities.Kind;
import dev.safedeploy.workflows.activities.NotificationActivities.Notification;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A local HTTP server stands in for the gateway's /internal/notify. */
class GatewayNotifierTest {

  private HttpServer server;
  private final List<String> bodies = new CopyOnWriteArrayList<>();
  private final List<String> auth = new CopyOnWriteArrayList<>();
  private final AtomicInteger status = new AtomicInteger(202);

  private static final Notification APPROVAL = new Notification(Kind.APPROVAL_REQUESTED, "deploy-nyctaxi-v2",
      "nyctaxi", "v2", "nyctaxi v2 awaits approval", Map.of("rmse", "1.6"));

  @BeforeEach
  void start() throws Exception {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/internal/notify", exchange -> {
      bodies.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
      auth.add(String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
      exchange.sendResponseHeaders(status.get(), -1);
      exchange.close();
    });
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/";
  }

  @Test
  void forwardsTheNotificationJsonWithTheBearerToken() {
    assertThat(new GatewayNotifier(url(), "s3cret").forward(APPROVAL)).isTrue();
    assertThat(bodies).singleElement().asString().contains("\"kind\":\"APPROVAL_REQUESTED\"")
        .contains("\"workflowId\":\"deploy-nyctaxi-v2\"").contains("\"rmse\":\"1.6\"");
    assertThat(auth).containsExactly("Bearer s3cret");
  }

  @Test
  void aRefusingOrMissingGatewayIsReportedNotThrown() {
    status.set(401);
    assertThat(new GatewayNotifier(url(), null).forward(APPROVAL)).isFalse();
    assertThat(auth).containsExactly("null");
    server.stop(0);
    assertThat(new GatewayNotifier(url(), null).forward(APPROVAL)).isFalse();
    assertThat(GatewayNotifier.of(" ")).isNull();
  }

  @Test
  void theAwsBackendFeedsTheGatewayToo() {
    // No SNS topic configured: SNS is skipped, the gateway still gets the approval request.
    new AwsNotificationActivitiesImpl(null, null, new GatewayNotifier(url(), null)).notify(APPROVAL);
    assertThat(bodies).singleElement().asString().contains("APPROVAL_REQUESTED");
  }
}
