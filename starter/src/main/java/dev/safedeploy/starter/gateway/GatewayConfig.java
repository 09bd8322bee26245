package dev.safedeploy.starter.gateway;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The gateway's settings, from the environment.
 *
 * @param botToken SLACK_BOT_TOKEN (xoxb-...), for chat.postMessage / chat.update
 * @param signingSecret SLACK_SIGNING_SECRET, to verify requests from Slack
 * @param channel SLACK_CHANNEL, where approval requests are posted
 * @param apiUrl SLACK_API_URL, Slack's Web API base (default https://slack.com/api/; tests point it elsewhere)
 * @param port SAFEDEPLOY_GATEWAY_PORT (default 8088)
 * @param notifyToken SAFEDEPLOY_GATEWAY_TOKEN: when set, /internal/notify requires "Authorization: Bearer <token>"
 * @param users Slack user id to approver identity (SAFEDEPLOY_SLACK_USERS and/or SAFEDEPLOY_SLACK_USERS_FILE)
 */
public record GatewayConfig(
    String botToken, String signingSecret, String channel, String apiUrl, int port, String notifyToken,
    Map<String, String> users) {

  public static final int DEFAULT_PORT = 8088;
  public static final String DEFAULT_API_URL = "https://slack.com/api/";

  public GatewayConfig {
    apiUrl = apiUrl == null || apiUrl.isBlank() ? DEFAULT_API_URL : apiUrl.endsWith("/") ? apiUrl : apiUrl + "/";
    users = Map.copyOf(users == null ? Map.of() : users);
  }

  public static GatewayConfig fromEnv(Map<String, String> env, Integer portOverride) {
    List<String> problems = new ArrayList<>();
    String token = env.get("SLACK_BOT_TOKEN");
    String secret = env.get("SLACK_SIGNING_SECRET");
    String channel = env.get("SLACK_CHANNEL");
    if (blank(token)) {
      problems.add("SLACK_BOT_TOKEN is not set");
    }
    if (blank(secret)) {
      problems.add("SLACK_SIGNING_SECRET is not set");
    }
    if (blank(channel)) {
      problems.add("SLACK_CHANNEL is not set");
    }
    int port = DEFAULT_PORT;
    if (portOverride != null) {
      port = portOverride;
    } else if (!blank(env.get("SAFEDEPLOY_GATEWAY_PORT"))) {
      try {
        port = Integer.parseInt(env.get("SAFEDEPLOY_GATEWAY_PORT").trim());
      } catch (NumberFormatException e) {
        problems.add("SAFEDEPLOY_GATEWAY_PORT is not a port number: " + env.get("SAFEDEPLOY_GATEWAY_PORT"));
      }
    }
    Map<String, String> users = new LinkedHashMap<>();
    try {
      if (!blank(env.get("SAFEDEPLOY_SLACK_USERS_FILE"))) {
        users.putAll(SlackUsers.parseFile(Path.of(env.get("SAFEDEPLOY_SLACK_USERS_FILE"))));
      }
      users.putAll(SlackUsers.parseList(env.get("SAFEDEPLOY_SLACK_USERS")));
    } catch (IllegalArgumentException e) {
      problems.add(e.getMessage());
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(String.join("; ", problems));
    }
    return new GatewayConfig(token, secret, channel, env.get("SLACK_API_URL"), port,
        blank(env.get("SAFEDEPLOY_GATEWAY_TOKEN")) ? null : env.get("SAFEDEPLOY_GATEWAY_TOKEN"), users);
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }
}
