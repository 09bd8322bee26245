package dev.safedeploy.starter.gateway;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Which Slack user is which approver identity. Unmapped Slack users are refused: a Slack account alone never
 * approves a production deployment.
 */
public final class SlackUsers {

  private final Map<String, String> approverBySlackId;

  public SlackUsers(Map<String, String> approverBySlackId) {
    this.approverBySlackId = Map.copyOf(approverBySlackId);
  }

  public Optional<String> approver(String slackUserId) {
    return Optional.ofNullable(slackUserId == null ? null : approverBySlackId.get(slackUserId));
  }

  public int size() {
    return approverBySlackId.size();
  }

  /** {@code "U123=alice,U456=bob"} (SAFEDEPLOY_SLACK_USERS). */
  public static Map<String, String> parseList(String spec) {
    Map<String, String> map = new LinkedHashMap<>();
    if (spec == null || spec.isBlank()) {
      return map;
    }
    for (String pair : spec.split(",")) {
      if (pair.isBlank()) {
        continue;
      }
      put(map, pair, "SAFEDEPLOY_SLACK_USERS entry '" + pair.trim() + "'");
    }
    return map;
  }

  /** One {@code U123=alice} per line; blank lines and {@code #} comments ignored (SAFEDEPLOY_SLACK_USERS_FILE). */
  public static Map<String, String> parseFile(Path file) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read Slack user map " + file + ": " + e.getMessage(), e);
    }
    Map<String, String> map = new LinkedHashMap<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      put(map, line, file + ":" + (i + 1));
    }
    return map;
  }

  private static void put(Map<String, String> map, String pair, String where) {
    int eq = pair.indexOf('=');
    String id = eq < 0 ? "" : pair.substring(0, eq).trim();
    String who = eq < 0 ? "" : pair.substring(eq + 1).trim();
    if (id.isEmpty() || who.isEmpty()) {
      throw new IllegalArgumentException(where + ": expected SLACK_USER_ID=approver, got '" + pair.trim() + "'");
    }
    map.put(id, who);
  }
}
