package dev.safedeploy.starter.gateway;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.slack.api.Slack;
import com.slack.api.SlackConfig;
import com.slack.api.methods.MethodsClient;
import com.slack.api.methods.SlackApiException;
import com.slack.api.methods.SlackApiTextResponse;
import com.slack.api.methods.response.chat.ChatPostMessageResponse;
import com.slack.api.model.block.LayoutBlock;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.safedeploy.starter.cli.CliFailure;
import dev.safedeploy.starter.cli.Json;
import dev.safedeploy.starter.cli.RunRef;
import dev.safedeploy.starter.runs.RunFailure;
import dev.safedeploy.starter.runs.RunService;
import dev.safedeploy.starter.runs.RunView;
import dev.safedeploy.workflows.activities.NotificationActivities.Kind;
import dev.safedeploy.workflows.activities.NotificationActivities.Notification;
import dev.safedeploy.workflows.pipeline.ApprovalDecision;
import dev.safedeploy.workflows.pipeline.ApprovalRecord;
import dev.safedeploy.workflows.pipeline.PipelineStatus;
import dev.safedeploy.workflows.pipeline.RollbackRequest;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Slack approval gateway: posts approval requests (from the workflow's notifications) with Approve / Reject
 * buttons, receives button clicks and the {@code /safedeploy} slash command, verifies Slack's signature, maps Slack
 * users to approvers, sends the {@code decide} update and updates the message with the result or the refusal.
 *
 * <pre>
 * POST /internal/notify   NotificationActivities.Notification as JSON (from the worker's notification adapter)
 * POST /slack/actions     Slack interactivity (block_actions)
 * POST /slack/commands    Slack slash command: /safedeploy approve|reject|status|rollback RUN [text]
 * GET  /metrics           Prometheus
 * GET  /healthz           liveness
 * </pre>
 */
public final class SlackGateway implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(SlackGateway.class);
  private static final int MAX_BODY = 1 << 20;
  private static final ObjectReader NOTIFICATION_READER = Json.MAPPER.readerFor(Notification.class)
      .without(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  private final GatewayConfig config;
  private final RunService runs;
  private final MethodsClient slack;
  private final SlackSignature signature;
  private final SlackUsers users;
  private final GatewayMetrics metrics;
  private final Clock clock;
  private final ExecutorService work = Executors.newFixedThreadPool(2, r -> {
    Thread t = new Thread(r, "slack-actions");
    t.setDaemon(true);
    return t;
  });
  /** The approval message of each run, to update it when someone decides. In memory: a restart posts anew. */
  private final Map<String, PostedMessage> messages = new ConcurrentHashMap<>();
  private final HttpClient responder = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private HttpServer server;
  private ExecutorService httpThreads;

  record PostedMessage(String channel, String ts, Notification notification) {}

  public SlackGateway(GatewayConfig config, RunService runs, MethodsClient slack, Clock clock) {
    this.config = config;
    this.runs = runs;
    this.slack = slack;
    this.clock = clock;
    this.signature = new SlackSignature(config.signingSecret(), clock);
    this.users = new SlackUsers(config.users());
    this.metrics = new GatewayMetrics();
  }

  /** A gateway talking to Slack's Web API at {@code config.apiUrl()}. */
  public static SlackGateway create(GatewayConfig config, RunService runs) {
    SlackConfig slackConfig = new SlackConfig();
    slackConfig.setMethodsEndpointUrlPrefix(config.apiUrl());
    slackConfig.setPrettyResponseLoggingEnabled(false);
    return new SlackGateway(config, runs, Slack.getInstance(slackConfig).methods(config.botToken()),
        Clock.systemUTC());
  }

  /**
   * Listens on the configured address (loopback unless told otherwise). Anywhere else it must have its notify token:
   * /internal/notify posts approval requests to Slack, and nobody but the worker may make it.
   */
  public SlackGateway start() throws IOException {
    String refusal = config.bindProblem();
    if (refusal != null) {
      throw new IllegalStateException(refusal);
    }
    server = HttpServer.create(new InetSocketAddress(config.bindHost(), config.port()), 64);
    httpThreads = Executors.newFixedThreadPool(4);
    server.setExecutor(httpThreads);
    server.createContext("/internal/notify", ex -> handle(ex, "/internal/notify", "POST", this::notify));
    server.createContext("/slack/actions", ex -> handle(ex, "/slack/actions", "POST", this::action));
    server.createContext("/slack/commands", ex -> handle(ex, "/slack/commands", "POST", this::command));
    server.createContext("/metrics", ex -> handle(ex, "/metrics", "GET",
        (e, body) -> new Reply(200, "text/plain; version=0.0.4; charset=utf-8", metrics.registry().scrape())));
    server.createContext("/healthz", ex -> handle(ex, "/healthz", "GET",
        (e, body) -> new Reply(200, "text/plain", "ok")));
    server.start();
    log.info("Slack gateway listening on {}:{} (channel {}, {} mapped Slack users, Slack API {})", config.bindHost(),
        port(), config.channel(), users.size(), config.apiUrl());
    return this;
  }

  public int port() {
    return server.getAddress().getPort();
  }

  public GatewayMetrics metrics() {
    return metrics;
  }

  @Override
  public void close() {
    if (server != null) {
      server.stop(0);
      httpThreads.shutdownNow();
    }
    work.shutdown();
    try {
      work.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  // ------------------------------------------------------------------ HTTP plumbing

  record Reply(int status, String contentType, String body) {
    static Reply json(int status, Object value) {
      return new Reply(status, "application/json; charset=utf-8", Json.write(value));
    }

    static Reply text(int status, String text) {
      return new Reply(status, "text/plain; charset=utf-8", text);
    }
  }

  @FunctionalInterface
  interface Handler {
    Reply handle(HttpExchange exchange, byte[] body) throws Exception;
  }

  private void handle(HttpExchange ex, String path, String method, Handler handler) {
    long started = System.nanoTime();
    Reply reply;
    try {
      if (!method.equals(ex.getRequestMethod())) {
        ex.getResponseHeaders().add("Allow", method);
        reply = Reply.text(405, "use " + method);
      } else {
        byte[] body = readBody(ex.getRequestBody());
        reply = body == null ? Reply.text(413, "body too large") : handler.handle(ex, body);
      }
    } catch (Exception e) {
      log.warn("{} failed", path, e);
      reply = Reply.text(500, "internal error: " + e.getMessage());
    }
    try {
      byte[] bytes = reply.body().getBytes(StandardCharsets.UTF_8);
      ex.getResponseHeaders().set("Content-Type", reply.contentType());
      ex.sendResponseHeaders(reply.status(), bytes.length == 0 ? -1 : bytes.length);
      if (bytes.length > 0) {
        try (OutputStream out = ex.getResponseBody()) {
          out.write(bytes);
        }
      }
    } catch (IOException e) {
      log.debug("could not answer {}", path, e);
    } finally {
      ex.close();
      metrics.request(path, reply.status(), Duration.ofNanos(System.nanoTime() - started));
    }
  }

  private static byte[] readBody(InputStream in) throws IOException {
    byte[] body = in.readNBytes(MAX_BODY + 1);
    return body.length > MAX_BODY ? null : body;
  }

  /** Null when the request really comes from Slack, otherwise the refusal to send. */
  private Reply verify(HttpExchange ex, byte[] body) {
    SlackSignature.Verdict verdict = signature.verify(ex.getRequestHeaders().getFirst("X-Slack-Request-Timestamp"),
        ex.getRequestHeaders().getFirst("X-Slack-Signature"), body);
    if (verdict == SlackSignature.Verdict.OK) {
      return null;
    }
    metrics.signatureFailure(verdict.name().toLowerCase());
    log.warn("refused a request to {}: signature {}", ex.getRequestURI().getPath(), verdict);
    return Reply.text(401, switch (verdict) {
      case MISSING -> "missing X-Slack-Signature or X-Slack-Request-Timestamp";
      case STALE -> "request timestamp is more than 5 minutes away";
      case REPLAYED -> "this signed request was already received (replay refused)";
      default -> "bad signature";
    });
  }

  static Map<String, String> form(byte[] body) {
    Map<String, String> form = new LinkedHashMap<>();
    String s = new String(body, StandardCharsets.UTF_8);
    for (String pair : s.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      form.put(k, v);
    }
    return form;
  }

  // ------------------------------------------------------------------ notifications from the workflow

  /** Constant time: digests of both sides are compared, so neither content nor length leaks. */
  private boolean bearerMatches(String authorization) {
    if (authorization == null) {
      return false;
    }
    try {
      java.security.MessageDigest sha = java.security.MessageDigest.getInstance("SHA-256");
      byte[] want = sha.digest(("Bearer " + config.notifyToken()).getBytes(StandardCharsets.UTF_8));
      byte[] got = sha.digest(authorization.trim().getBytes(StandardCharsets.UTF_8));
      return java.security.MessageDigest.isEqual(want, got);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JRE", e);
    }
  }

  private Reply notify(HttpExchange ex, byte[] body) throws IOException {
    if (config.notifyToken() != null && !bearerMatches(ex.getRequestHeaders().getFirst("Authorization"))) {
      return Reply.text(401, "missing or wrong bearer token");
    }
    Notification n;
    try {
      n = NOTIFICATION_READER.readValue(body);
    } catch (IOException e) {
      return Reply.text(400, "not a notification: " + e.getMessage());
    }
    if (n.kind() == null || n.workflowId() == null) {
      return Reply.text(400, "a notification needs kind and workflowId");
    }
    metrics.notification(n.kind().name());
    try {
      String ts = deliver(n);
      Map<String, Object> ok = new LinkedHashMap<>();
      ok.put("ok", true);
      ok.put("ts", ts);
      return Reply.json(200, ok);
    } catch (SlackFailure e) {
      return Reply.json(502, Map.of("ok", false, "error", e.getMessage()));
    }
  }

  /** Posts or updates the run's message; returns the ts of the message written. */
  String deliver(Notification n) {
    PostedMessage previous = messages.get(n.workflowId());
    switch (n.kind()) {
      case APPROVAL_REQUESTED, APPROVAL_REMINDER -> {
        boolean reminder = n.kind() == Kind.APPROVAL_REMINDER;
        // A reminder carries little; the facts (RMSE, endpoint) come from the request it reminds of.
        Notification shown = reminder && previous != null ? merge(previous.notification(), n) : n;
        ChatPostMessageResponse r = call("chat.postMessage", () -> slack.chatPostMessage(req -> req
            .channel(config.channel()).text(ApprovalMessages.fallbackText(n))
            .blocks(ApprovalMessages.approvalRequest(shown, reminder))));
        if (reminder && previous != null) {
          // One set of live buttons per run: the old message points at the reminder.
          update(previous.channel(), previous.ts(), ApprovalMessages.decided(previous.notification(),
              "_Reminder posted below; decide there._"), "superseded by a reminder");
        }
        messages.put(n.workflowId(), new PostedMessage(r.getChannel(), r.getTs(), shown));
        return r.getTs();
      }
      case APPROVED, REJECTED -> {
        if (previous != null) {
          String line = (n.kind() == Kind.APPROVED ? ":white_check_mark: *Approved*" : ":no_entry_sign: *Rejected*")
              + (n.text() == null || n.text().isBlank() ? "" : ": " + n.text());
          update(previous.channel(), previous.ts(), ApprovalMessages.decided(previous.notification(), line),
              line);
          return previous.ts();
        }
        return post(n, null);
      }
      default -> {
        return post(n, previous == null ? null : previous.ts());
      }
    }
  }

  private static Notification merge(Notification request, Notification reminder) {
    Map<String, String> fields = new LinkedHashMap<>(request.fields() == null ? Map.of() : request.fields());
    if (reminder.fields() != null) {
      fields.putAll(reminder.fields());
    }
    return new Notification(Kind.APPROVAL_REQUESTED, request.workflowId(), request.model(), request.version(),
        reminder.text() != null && !reminder.text().isBlank() ? reminder.text() : request.text(), fields);
  }

  private String post(Notification n, String threadTs) {
    ChatPostMessageResponse r = call("chat.postMessage", () -> slack.chatPostMessage(req -> req
        .channel(config.channel()).text(ApprovalMessages.fallbackText(n)).threadTs(threadTs)
        .replyBroadcast(threadTs != null ? Boolean.TRUE : null).blocks(ApprovalMessages.result(n))));
    return r.getTs();
  }

  private void update(String channel, String ts, List<LayoutBlock> blocks, String text) {
    call("chat.update", () -> slack.chatUpdate(req -> req.channel(channel).ts(ts).text(text).blocks(blocks)));
  }

  private <T extends SlackApiTextResponse> T call(String method, SlackCall<T> call) {
    T response;
    try {
      response = call.call();
    } catch (IOException | SlackApiException e) {
      metrics.slackApiError(method, e.getClass().getSimpleName());
      throw new SlackFailure(method + " failed: " + e.getMessage(), e);
    }
    if (!response.isOk()) {
      metrics.slackApiError(method, String.valueOf(response.getError()));
      throw new SlackFailure(method + " failed: " + response.getError(), null);
    }
    return response;
  }

  @FunctionalInterface
  interface SlackCall<T> {
    T call() throws IOException, SlackApiException;
  }

  static final class SlackFailure extends RuntimeException {
    SlackFailure(String message, Throwable cause) {
      super(message, cause);
    }
  }

  // ------------------------------------------------------------------ buttons

  private Reply action(HttpExchange ex, byte[] body) throws IOException {
    Reply refused = verify(ex, body);
    if (refused != null) {
      return refused;
    }
    String payload = form(body).get("payload");
    if (payload == null) {
      return Reply.text(400, "no payload");
    }
    JsonNode p = Json.MAPPER.readTree(payload);
    if (!"block_actions".equals(p.path("type").asText())) {
      return Reply.text(200, ""); // other interactions are not ours; Slack only needs the ack
    }
    JsonNode a = p.path("actions").path(0);
    String actionId = a.path("action_id").asText();
    if (!ApprovalMessages.APPROVE_ACTION.equals(actionId) && !ApprovalMessages.REJECT_ACTION.equals(actionId)) {
      return Reply.text(200, "");
    }
    Click click = new Click(ApprovalMessages.APPROVE_ACTION.equals(actionId), a.path("value").asText(),
        p.path("user").path("id").asText(null), p.path("user").path("username").asText(null),
        firstText(p.path("container").path("channel_id"), p.path("channel").path("id")),
        firstText(p.path("container").path("message_ts"), p.path("message").path("ts")));
    // Slack wants its ack within 3 s; the update and chat.update happen after it.
    work.submit(() -> decideFromButton(click));
    return Reply.text(200, "");
  }

  record Click(boolean approve, String workflowId, String userId, String userName, String channel, String ts) {}

  private static String firstText(JsonNode... nodes) {
    for (JsonNode n : nodes) {
      if (n != null && n.isTextual() && !n.asText().isBlank()) {
        return n.asText();
      }
    }
    return null;
  }

  void decideFromButton(Click c) {
    String decisionName = c.approve() ? "approve" : "reject";
    try {
      Notification request = requestOf(c.workflowId());
      Optional<String> approver = users.approver(c.userId());
      if (approver.isEmpty()) {
        metrics.decision("button", decisionName, "unmapped_user");
        call("chat.postEphemeral", () -> slack.chatPostEphemeral(req -> req.channel(c.channel()).user(c.userId())
            .text("You (<@" + c.userId() + ">) are not mapped to a safedeploy approver, so your " + decisionName
                + " was not sent. Ask an admin to add you to SAFEDEPLOY_SLACK_USERS.")));
        return;
      }
      ApprovalDecision decision = new ApprovalDecision(c.approve(), approver.get(),
          "Slack button by " + (c.userName() != null ? c.userName() : c.userId()), "slack");
      try {
        ApprovalRecord record = runs.decide(c.workflowId(), decision);
        metrics.decision("button", decisionName, "accepted");
        update(c.channel(), c.ts(), ApprovalMessages.decided(request, decidedLine(record, c.userId())),
            decidedLine(record, c.userId()));
      } catch (RunFailure f) {
        metrics.decision("button", decisionName,
            f.kind().name().toLowerCase());
        String line = ":warning: " + decisionName + " by <@" + c.userId() + "> (" + approver.get() + ") "
            + f.getMessage();
        update(c.channel(), c.ts(), ApprovalMessages.refused(request, line), line);
      }
    } catch (RuntimeException e) {
      metrics.decision("button", decisionName, "error");
      log.error("handling the {} button for {} failed", decisionName, c.workflowId(), e);
    }
  }

  private String decidedLine(ApprovalRecord r, String slackUser) {
    return (r.approved() ? ":white_check_mark: *Approved*" : ":no_entry_sign: *Rejected*") + " by " + r.approver()
        + (slackUser == null ? "" : " (<@" + slackUser + ">)") + " via " + r.via() + " at "
        + (r.at() == null ? clock.instant() : r.at()).truncatedTo(ChronoUnit.SECONDS)
        + (r.comment() == null || r.comment().isBlank() ? "" : ": " + r.comment());
  }

  /** The approval request of a run: as notified, or rebuilt from its status after a gateway restart. */
  private Notification requestOf(String workflowId) {
    PostedMessage m = messages.get(workflowId);
    if (m != null) {
      return m.notification();
    }
    Map<String, String> fields = new LinkedHashMap<>();
    String model = "?";
    String version = "?";
    try {
      PipelineStatus s = runs.view(workflowId).status();
      model = s.model();
      version = s.version();
      if (s.validationRmse() != null) {
        fields.put("rmse", String.format("%.4f", s.validationRmse()));
      }
      if (s.liveRmse() != null) {
        fields.put("liveRmse", String.format("%.4f", s.liveRmse()));
      }
      if (s.devEndpoint() != null) {
        fields.put("devEndpoint", s.devEndpoint());
      }
    } catch (RuntimeException e) {
      log.debug("no status for {}", workflowId, e);
    }
    return new Notification(Kind.APPROVAL_REQUESTED, workflowId, model, version, null, fields);
  }

  // ------------------------------------------------------------------ slash command

  static final String COMMAND_HELP = "Usage: /safedeploy approve RUN [comment] | reject RUN [comment] | status RUN"
      + " | rollback RUN reason...   (RUN: deploy-<model>-<version> or <model>/<version>)";

  private Reply command(HttpExchange ex, byte[] body) {
    Reply refused = verify(ex, body);
    if (refused != null) {
      return refused;
    }
    Map<String, String> form = form(body);
    String text = form.getOrDefault("text", "").trim();
    String userId = form.get("user_id");
    String[] words = text.isEmpty() ? new String[0] : text.split("\\s+", 3);
    if (words.length < 2 || words[0].equals("help")) {
      return ephemeral(COMMAND_HELP);
    }
    String verb = words[0].toLowerCase();
    String rest = words.length > 2 ? words[2] : null;
    String workflowId;
    try {
      workflowId = RunRef.workflowId(words[1]);
    } catch (CliFailure e) {
      return ephemeral(e.getMessage() + "\n" + COMMAND_HELP);
    }
    if (!List.of("approve", "reject", "status", "rollback").contains(verb)) {
      return ephemeral("unknown subcommand '" + verb + "'\n" + COMMAND_HELP);
    }
    Supplier<Reply> run = () -> {
      try {
        return switch (verb) {
          case "approve", "reject" -> commandDecide(verb.equals("approve"), workflowId, userId, rest);
          case "rollback" -> commandRollback(workflowId, userId, rest);
          default -> ephemeral(statusLine(runs.view(workflowId)));
        };
      } catch (RunFailure f) {
        return ephemeral(f.getMessage());
      } catch (RuntimeException e) {
        log.error("/safedeploy {} failed", text, e);
        return ephemeral("failed: " + e.getMessage());
      }
    };
    String responseUrl = form.get("response_url");
    if (responseUrl == null || responseUrl.isBlank()) {
      return run.get();
    }
    // Slack gives a slash command 3 s; the answer goes to response_url when it is ready.
    work.submit(() -> respond(responseUrl, run.get()));
    return ephemeral("Working on `" + verb + " " + workflowId + "`...");
  }

  private void respond(String responseUrl, Reply reply) {
    try {
      HttpResponse<String> r = responder.send(HttpRequest.newBuilder(URI.create(responseUrl))
          .timeout(Duration.ofSeconds(10))
          .header("Content-Type", "application/json; charset=utf-8")
          .POST(HttpRequest.BodyPublishers.ofString(reply.body())).build(), HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() / 100 != 2) {
        metrics.slackApiError("response_url", "http_" + r.statusCode());
      }
    } catch (IOException | IllegalArgumentException e) {
      metrics.slackApiError("response_url", e.getClass().getSimpleName());
      log.warn("could not answer a slash command at its response_url: {}", e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private Reply commandDecide(boolean approve, String workflowId, String userId, String comment) {
    String decisionName = approve ? "approve" : "reject";
    Optional<String> approver = users.approver(userId);
    if (approver.isEmpty()) {
      metrics.decision("command", decisionName, "unmapped_user");
      return ephemeral("You (<@" + userId + ">) are not mapped to a safedeploy approver; nothing was sent.");
    }
    ApprovalRecord record;
    try {
      record = runs.decide(workflowId, new ApprovalDecision(approve, approver.get(), comment, "slack"));
    } catch (RunFailure f) {
      metrics.decision("command", decisionName, f.kind().name().toLowerCase());
      PostedMessage m = messages.get(workflowId);
      String line = ":warning: " + decisionName + " by <@" + userId + "> (" + approver.get() + ") " + f.getMessage();
      if (m != null) {
        tryUpdate(m, ApprovalMessages.refused(m.notification(), line), line);
      }
      return ephemeral(workflowId + ": " + f.getMessage());
    }
    metrics.decision("command", decisionName, "accepted");
    String line = decidedLine(record, userId);
    PostedMessage m = messages.get(workflowId);
    if (m != null) {
      tryUpdate(m, ApprovalMessages.decided(m.notification(), line), line);
    }
    return inChannel(workflowId + ": " + line);
  }

  private void tryUpdate(PostedMessage m, List<LayoutBlock> blocks, String text) {
    try {
      update(m.channel(), m.ts(), blocks, text);
    } catch (SlackFailure e) {
      log.warn("could not update the approval message of {}: {}", m.notification().workflowId(), e.getMessage());
    }
  }

  private Reply commandRollback(String workflowId, String userId, String reason) {
    Optional<String> operator = users.approver(userId);
    if (operator.isEmpty()) {
      return ephemeral("You (<@" + userId + ">) are not mapped to a safedeploy identity; nothing was sent.");
    }
    if (reason == null || reason.isBlank()) {
      return ephemeral("a rollback needs a reason: /safedeploy rollback " + workflowId + " <reason>");
    }
    runs.rollback(workflowId, new RollbackRequest(operator.get(), reason));
    return inChannel(workflowId + ": rollback requested by " + operator.get() + " (<@" + userId + ">): " + reason);
  }

  static String statusLine(RunView v) {
    PipelineStatus s = v.status();
    StringBuilder b = new StringBuilder();
    b.append('*').append(s.model()).append(' ').append(s.version()).append("* (`").append(v.workflowId())
        .append("`, ").append(v.executionStatus().toLowerCase()).append(")\nstage: ").append(s.stage());
    if (s.step() != null) {
      b.append(" - ").append(s.step());
    }
    if (s.stepEndsAt() != null) {
      b.append(" (until ").append(s.stepEndsAt().truncatedTo(ChronoUnit.SECONDS)).append(')');
    }
    if (s.traffic() != null && !s.traffic().isEmpty()) {
      b.append("\ntraffic: ");
      s.traffic().forEach((k, w) -> b.append(k).append(' ').append(w).append("% "));
    }
    if (s.approval() != null) {
      b.append("\napproval: ").append(s.approval().approved() ? "approved" : "rejected").append(" by ")
          .append(s.approval().approver()).append(" via ").append(s.approval().via());
    }
    if (s.alarms() != null && !s.alarms().isEmpty()) {
      b.append("\nalarms: ").append(s.alarms().size());
    }
    if (s.outcome() != null) {
      b.append("\noutcome: ").append(s.outcome()).append(s.reason() == null ? "" : " - " + s.reason());
    }
    return b.toString();
  }

  private static Reply ephemeral(String text) {
    return Reply.json(200, Map.of("response_type", "ephemeral", "text", text));
  }

  private static Reply inChannel(String text) {
    return Reply.json(200, Map.of("response_type", "in_channel", "text", text));
  }

  /** Test hook: the approval message remembered for a run. */
  Optional<String> messageTs(String workflowId) {
    return Optional.ofNullable(messages.get(workflowId)).map(PostedMessage::ts);
  }
}
