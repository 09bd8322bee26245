package dev.safedeploy.activities.local.activities;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.safedeploy.workflows.activities.NotificationActivities;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Notifications, best effort: logged, appended as a JSON line to {@code <home>/notifications.jsonl}, and when a
 * gateway is configured POSTed to {@code <gateway>/internal/notify} (which relays to Slack), with
 * {@code Authorization: Bearer $SAFEDEPLOY_GATEWAY_TOKEN} when that is set. Never fails a run.
 */
public class LocalNotificationActivitiesImpl implements NotificationActivities {
  private static final Logger log = LoggerFactory.getLogger(LocalNotificationActivitiesImpl.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private final Path file;
  private final String gatewayUrl;
  private final String gatewayToken = System.getenv("SAFEDEPLOY_GATEWAY_TOKEN");
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

  public LocalNotificationActivitiesImpl(Path home, String gatewayUrl) {
    this.file = home == null ? null : home.resolve("notifications.jsonl");
    this.gatewayUrl = gatewayUrl;
  }

  @Override
  public void notify(Notification n) {
    log.info("[{}] {} {}/{}: {}", n.kind(), n.workflowId(), n.model(), n.version(), n.text());
    byte[] json;
    try {
      Map<String, Object> line = new LinkedHashMap<>();
      line.put("at", Instant.now().toString());
      line.put("kind", n.kind());
      line.put("workflowId", n.workflowId());
      line.put("model", n.model());
      line.put("version", n.version());
      line.put("text", n.text());
      line.put("fields", n.fields());
      json = JSON.writeValueAsBytes(line);
    } catch (IOException e) {
      log.warn("notification not serializable: {}", e.toString());
      return;
    }
    if (file != null) {
      try {
        synchronized (LocalNotificationActivitiesImpl.class) {
          Files.createDirectories(file.getParent());
          Files.write(file, (new String(json, StandardCharsets.UTF_8) + "\n").getBytes(StandardCharsets.UTF_8),
              StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        }
      } catch (IOException e) {
        log.warn("notification not written to {}: {}", file, e.toString());
      }
    }
    if (gatewayUrl != null) {
      try {
        URI uri = URI.create(gatewayUrl.replaceAll("/+$", "") + "/internal/notify");
        HttpRequest.Builder req = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(n)));
        if (gatewayToken != null && !gatewayToken.isBlank()) {
          req.header("Authorization", "Bearer " + gatewayToken.trim());
        }
        HttpResponse<String> r = http.send(req.build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() >= 300) {
          log.warn("gateway {} answered {} to a {} notification", uri, r.statusCode(), n.kind());
        }
      } catch (IOException | RuntimeException e) {
        log.warn("gateway {} unreachable for a {} notification: {}", gatewayUrl, n.kind(), e.toString());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
