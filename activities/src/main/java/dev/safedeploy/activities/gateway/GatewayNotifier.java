package dev.safedeploy.activities.gateway;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.safedeploy.workflows.activities.NotificationActivities.Notification;
import dev.safedeploy.workflows.json.JsonMapping;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Forwards the workflow's notifications to the approval gateway ({@code POST <gateway>/internal/notify}, which relays
 * them to Slack), with {@code Authorization: Bearer <token>} when a token is set. Best effort, on every backend: a
 * gateway that is down is logged, never fails a run.
 */
public final class GatewayNotifier {

  public static final String ENV_URL = "SAFEDEPLOY_GATEWAY_URL";
  public static final String ENV_TOKEN = "SAFEDEPLOY_GATEWAY_TOKEN";
  private static final Logger log = LoggerFactory.getLogger(GatewayNotifier.class);
  private static final ObjectMapper JSON = JsonMapping.mapper();

  private final URI endpoint;
  private final String token;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

  public GatewayNotifier(String gatewayUrl, String token) {
    this.endpoint = URI.create(gatewayUrl.replaceAll("/+$", "") + "/internal/notify");
    this.token = token == null || token.isBlank() ? null : token.trim();
  }

  /** Null when no gateway URL is given: the caller then has nothing to forward to. */
  public static GatewayNotifier of(String gatewayUrl) {
    return gatewayUrl == null || gatewayUrl.isBlank() ? null
        : new GatewayNotifier(gatewayUrl.trim(), System.getenv(ENV_TOKEN));
  }

  /** @return whether the gateway accepted it */
  public boolean forward(Notification n) {
    try {
      HttpRequest.Builder request = HttpRequest.newBuilder(endpoint).timeout(Duration.ofSeconds(5))
          .header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(n)));
      if (token != null) {
        request.header("Authorization", "Bearer " + token);
      }
      HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() >= 300) {
        log.warn("gateway {} answered {} to a {} notification", endpoint, response.statusCode(), n.kind());
        return false;
      }
      return true;
    } catch (IOException | RuntimeException e) {
      log.warn("gateway {} unreachable for a {} notification: {}", endpoint, n.kind(), e.toString());
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
