package dev.safedeploy.activities.local.activities;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.safedeploy.activities.gateway.GatewayNotifier;
import dev.safedeploy.workflows.activities.NotificationActivities;
import dev.safedeploy.workflows.json.JsonMapping;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Notifications, best effort: logged, appended as a JSON line to {@code <home>/notifications.jsonl}, and when a
 * gateway is configured forwarded to it ({@link GatewayNotifier}). Never fails a run.
 */
public class LocalNotificationActivitiesImpl implements NotificationActivities {
  private static final Logger log = LoggerFactory.getLogger(LocalNotificationActivitiesImpl.class);
  private static final ObjectMapper JSON = JsonMapping.mapper();
  private final Path file;
  private final GatewayNotifier gateway;

  public LocalNotificationActivitiesImpl(Path home, String gatewayUrl) {
    this.file = home == null ? null : home.resolve("notifications.jsonl");
    this.gateway = GatewayNotifier.of(gatewayUrl);
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
    if (gateway != null) {
      gateway.forward(n);
    }
  }
}
