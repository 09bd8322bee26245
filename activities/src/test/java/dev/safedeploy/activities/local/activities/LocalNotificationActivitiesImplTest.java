package dev.safedeploy.activities.local.activities;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.safedeploy.workflows.activities.NotificationActivities.Kind;
import dev.safedeploy.workflows.activities.NotificationActivities.Notification;
import dev.safedeploy.workflows.json.JsonMapping;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalNotificationActivitiesImplTest {
  static final Notification N = new Notification(Kind.ROLLED_BACK, "deploy-taxi-v2", "taxi", "v2",
      "rolled back: alarm taxi-prod-v2-5xx", Map.of("alarm", "taxi-prod-v2-5xx"));

  @Test
  void postsTheNotificationToTheGatewayAndAppendsIt(@TempDir Path home) throws Exception {
    List<byte[]> received = new CopyOnWriteArrayList<>();
    System.setProperty("sun.net.httpserver.nodelay", "true"); // one exchange: no delayed-ACK stall
    HttpServer gateway = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    gateway.createContext("/internal/notify", ex -> {
      received.add(ex.getRequestBody().readAllBytes());
      ex.sendResponseHeaders(204, -1);
      ex.close();
    });
    gateway.start();
    try {
      new LocalNotificationActivitiesImpl(home, "http://127.0.0.1:" + gateway.getAddress().getPort() + "/")
          .notify(N);
    } finally {
      gateway.stop(0);
    }
    assertThat(received).hasSize(1);
    JsonNode body = JsonMapping.mapper().readTree(received.get(0));
    assertThat(body.path("kind").asText()).isEqualTo("ROLLED_BACK");
    assertThat(body.path("workflowId").asText()).isEqualTo("deploy-taxi-v2");
    assertThat(body.path("fields").path("alarm").asText()).isEqualTo("taxi-prod-v2-5xx");
    assertThat(Files.readAllLines(home.resolve("notifications.jsonl"))).singleElement().asString()
        .contains("\"kind\":\"ROLLED_BACK\"");
  }

  @Test
  void anUnreachableGatewayNeverFailsTheRun(@TempDir Path home) {
    assertThatCode(() -> new LocalNotificationActivitiesImpl(home, "http://127.0.0.1:1").notify(N))
        .doesNotThrowAnyException();
    assertThat(home.resolve("notifications.jsonl")).isRegularFile();
  }
}
