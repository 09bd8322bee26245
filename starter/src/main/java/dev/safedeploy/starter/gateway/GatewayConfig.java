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
 * @param bindHost SAFEDEPLOY_GATEWAY_BIND, the address to listen on (default 127.0.0.1); any address that is not
 *     loopback (0.0.0.0 in a container, behind the tunnel Slack reaches) requires the notify token
 */
public record GatewayConfig(
    String botToken, String signingSecret, String channel, String apiUrl, int port, String notifyToken,
    Map<String, String> users, String bindHost) {

  public static final int DEFAULT_PORT = 8088;
  public static final String DEFAULT_API_URL = "https://slack.com/api/";
  public static final String DEFAULT_BIND = "127.0.0.1";

  public GatewayConfig {
    apiUrl = apiUrl == null || apiUrl.isBlank() ? DEFAULT_API_URL : apiUrl.endsWith("/") ? apiUrl : apiUrl + "/";
    users = Map.copyOf(users == null ? Map.of() : users);
    bindHost = bindHost == null || bindHost.isBlank() ? DEFAULT_BIND : bindHost.trim();
  }

  public GatewayConfig(String botToken, String signingSecret, String channel, String apiUrl, int port,
      String notifyToken, Map<String, String> users) {
    this(botToken, signingSecret, channel, apiUrl, port, notifyToken, users, null);
  }

  /** Why the gateway must not listen as configured (a non-loopback address without a notify token), or null. */
  public String bindProblem() {
    if (notifyToken != null && !notifyToken.isBlank()) {
      return null;
    }
    if (isLoopback(bindHost)) {
      return null;
    }
    return "SAFEDEPLOY_GATEWAY_TOKEN is required when the gateway listens on " + bindHost + " (not loopback): "
        + "without it anyone who can reach the port could post approval requests to Slack";
  }

  static boolean isLoopback(String host) {
    if (host.equalsIgnoreCase("localhost")) {
      return true;
    }
    try {
      // literal addresses only: a name is not resolved here, and a name that is not localhost counts as remote
      if (!host.matches("[0-9.]+|\\[?[0-9a-fA-F:]+\\]?")) {
        return false;
      }
      return java.net.InetAddress.getByName(host.replace("[", "").replace("]", "")).isLoopbackAddress();
    } catch (java.net.UnknownHostException e) {
      return false;
    }
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
    GatewayConfig config = new GatewayConfig(token, secret, channel, env.get("SLACK_API_URL"), port,
        blank(env.get("SAFEDEPLOY_GATEWAY_TOKEN")) ? null : env.get("SAFEDEPLOY_GATEWAY_TOKEN").trim(), users,
        env.get("SAFEDEPLOY_GATEWAY_BIND"));
    if (config.bindProblem() != null) {
      problems.add(config.bindProblem());
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(String.join("; ", problems));
    }
    return config;
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }
}
