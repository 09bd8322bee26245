package dev.safedeploy.starter.gateway;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectReader;
import com.slack.api.Slack;
import com.slack.api.SlackConfig;
import com.slack.api.bolt.App;
import com.slack.api.bolt.jakarta_servlet.ServletAdapterOps;
import com.slack.api.bolt.request.Request;
import com.slack.api.bolt.request.RequestHeaders;
import com.slack.api.bolt.request.builtin.SlashCommandRequest;
import com.slack.api.bolt.response.Response;
import com.slack.api.bolt.util.QueryStringParser;
import com.slack.api.bolt.util.SlackRequestParser;
import dev.safedeploy.starter.cli.Json;
import dev.safedeploy.starter.gateway.ApprovalPosts.SlackFailure;
import dev.safedeploy.starter.runs.RunService;
import dev.safedeploy.workflows.activities.NotificationActivities.Notification;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.server.handler.EventsHandler;
import org.eclipse.jetty.server.handler.SizeLimitHandler;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Slack approval gateway: posts approval requests (from the workflow's notifications) with Approve / Reject
 * buttons, and serves Slack's button clicks and the {@code /safedeploy} slash command through a Bolt app
 * ({@link SlackApprovals}) on an embedded Jetty.
 *
 * <pre>
 * POST /internal/notify   NotificationActivities.Notification as JSON (from the worker's notification adapter)
 * POST /slack/actions     Slack interactivity (block_actions), Bolt
 * POST /slack/commands    Slack slash command: /safedeploy approve|reject|status|rollback RUN [text], Bolt
 * GET  /metrics           Prometheus
 * GET  /healthz           liveness
 * </pre>
 */
public final class SlackGateway implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(SlackGateway.class);
  private static final int MAX_BODY = 1 << 20;
  private static final Set<String> PATHS = Set.of("/internal/notify", "/slack/actions", "/slack/commands",
      "/metrics", "/healthz");
  private static final ObjectReader NOTIFICATION_READER = Json.MAPPER.readerFor(Notification.class)
      .without(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  private final GatewayConfig config;
  private final SlackUsers users;
  private final GatewayMetrics metrics;
  private final ApprovalPosts posts;
  private final SlackApprovals approvals;
  private Server server;
  private ServerConnector connector;

  public SlackGateway(GatewayConfig config, RunService runs, Slack slack, Clock clock) {
    this.config = config;
    this.users = new SlackUsers(config.users());
    this.metrics = new GatewayMetrics();
    this.posts = new ApprovalPosts(slack.methods(config.botToken()), config.channel(), runs, metrics);
    this.approvals = new SlackApprovals(config, slack, runs, users, posts, metrics, clock);
  }

  /** A gateway talking to Slack's Web API at {@code config.apiUrl()}. */
  public static SlackGateway create(GatewayConfig config, RunService runs) {
    SlackConfig slackConfig = new SlackConfig();
    slackConfig.setMethodsEndpointUrlPrefix(config.apiUrl());
    slackConfig.setPrettyResponseLoggingEnabled(false);
    return new SlackGateway(config, runs, Slack.getInstance(slackConfig), Clock.systemUTC());
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
    QueuedThreadPool threads = new QueuedThreadPool(16, 2);
    threads.setName("gateway-http");
    server = new Server(threads);
    HttpConfiguration http = new HttpConfiguration();
    http.setSendServerVersion(false);
    connector = new ServerConnector(server, new HttpConnectionFactory(http));
    connector.setHost(config.bindHost());
    connector.setPort(config.port());
    server.addConnector(connector);

    App app = approvals.app();
    ServletContextHandler context = new ServletContextHandler("/");
    context.addServlet(new ServletHolder(new BoltServlet(approvals, false)), "/slack/actions");
    context.addServlet(new ServletHolder(new BoltServlet(approvals, true)), "/slack/commands");
    context.addServlet(new ServletHolder(new NotifyServlet()), "/internal/notify");
    context.addServlet(new ServletHolder(new TextServlet("text/plain; version=0.0.4; charset=utf-8",
        () -> metrics.registry().scrape())), "/metrics");
    context.addServlet(new ServletHolder(new TextServlet("text/plain; charset=utf-8", () -> "ok")), "/healthz");
    ErrorHandler errors = new ErrorHandler();
    errors.setShowStacks(false);
    server.setErrorHandler(errors);
    SizeLimitHandler limits = new SizeLimitHandler(MAX_BODY, -1); // 413 past 1 MiB, before anything reads it
    limits.setHandler(context);
    server.setHandler(new RequestMetrics(limits));
    try {
      app.start();
      server.start();
    } catch (Exception e) {
      close();
      throw new IOException("the gateway could not listen on " + config.bindHost() + ":" + config.port() + ": "
          + e.getMessage(), e);
    }
    log.info("Slack gateway listening on {}:{} (channel {}, {} mapped Slack users, Slack API {})", config.bindHost(),
        port(), config.channel(), users.size(), config.apiUrl());
    return this;
  }

  public int port() {
    return connector.getLocalPort();
  }

  public GatewayMetrics metrics() {
    return metrics;
  }

  @Override
  public void close() {
    if (server != null) {
      try {
        server.stop();
      } catch (Exception e) {
        log.debug("stopping the gateway's server", e);
      }
    }
    App app = approvals.app();
    app.stop();
    ExecutorService work = app.executorService();
    work.shutdown();
    try {
      work.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Test hook: the approval message remembered for a run. */
  Optional<String> messageTs(String workflowId) {
    return posts.messageTs(workflowId);
  }

  // ------------------------------------------------------------------ HTTP

  /**
   * Slack's requests into the Bolt app, as Bolt's own servlet does. The commands URL is the slash command's: a body
   * there that Bolt does not recognise as anything else is that command.
   */
  private static final class BoltServlet extends HttpServlet {
    private final transient App app;
    private final transient SlackRequestVerification verification;
    private final transient SlackRequestParser parser;
    private final boolean commands;

    BoltServlet(SlackApprovals approvals, boolean commands) {
      this.app = approvals.app();
      this.verification = approvals.verification();
      this.parser = new SlackRequestParser(app.config());
      this.commands = commands;
    }

    @Override
    protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
      String body = ServletAdapterOps.doReadRequestBodyAsString(req);
      RequestHeaders headers = new RequestHeaders(ServletAdapterOps.toHeaderMap(req));
      Request<?> slackRequest;
      String unreadable = "not a Slack request";
      try {
        slackRequest = parser.parse(SlackRequestParser.HttpRequest.builder()
            .requestUri(req.getRequestURI()).queryString(QueryStringParser.toMap(req.getQueryString()))
            .headers(headers).requestBody(body).remoteAddress(req.getRemoteAddr()).build());
        if (slackRequest == null && commands) {
          slackRequest = SlackApprovals.slashCommand(new SlashCommandRequest(body, headers));
          slackRequest.updateContext(app.config());
        }
      } catch (RuntimeException e) {
        slackRequest = null;
        unreadable = "unreadable Slack payload: " + e.getMessage();
      }
      Response answer;
      if (slackRequest == null) {
        // Bolt verifies after parsing; what it cannot parse is checked here, so only Slack learns it was unreadable
        Response refused = verification.refusal(headers, body);
        answer = refused != null ? refused : Response.builder().statusCode(400).body(unreadable).build();
      } else {
        try {
          answer = app.run(slackRequest);
        } catch (Exception e) {
          log.error("handling a Slack request at {} failed", req.getRequestURI(), e);
          answer = Response.builder().statusCode(500).body("internal error: " + e.getMessage()).build();
        }
      }
      ServletAdapterOps.writeResponse(resp, answer);
    }
  }

  /** The worker's notifications: bearer token when configured, then posted or edited in Slack. */
  private final class NotifyServlet extends HttpServlet {
    @Override
    protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
      if (config.notifyToken() != null && !bearerMatches(req.getHeader("Authorization"))) {
        write(resp, 401, "text/plain; charset=utf-8", "missing or wrong bearer token");
        return;
      }
      byte[] body = req.getInputStream().readAllBytes();
      Notification n;
      try {
        n = NOTIFICATION_READER.readValue(body);
      } catch (IOException e) {
        write(resp, 400, "text/plain; charset=utf-8", "not a notification: " + e.getMessage());
        return;
      }
      if (n == null || n.kind() == null || n.workflowId() == null) {
        write(resp, 400, "text/plain; charset=utf-8", "a notification needs kind and workflowId");
        return;
      }
      metrics.notification(n.kind().name());
      try {
        Map<String, Object> ok = new LinkedHashMap<>();
        ok.put("ok", true);
        ok.put("ts", posts.deliver(n));
        write(resp, 200, "application/json; charset=utf-8", Json.write(ok));
      } catch (SlackFailure e) {
        write(resp, 502, "application/json; charset=utf-8", Json.write(Map.of("ok", false, "error", e.getMessage())));
      } catch (RuntimeException e) {
        log.warn("/internal/notify failed", e);
        write(resp, 500, "text/plain; charset=utf-8", "internal error: " + e.getMessage());
      }
    }
  }

  /** Constant time: digests of both sides are compared, so neither content nor length leaks. */
  private boolean bearerMatches(String authorization) {
    if (authorization == null) {
      return false;
    }
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      byte[] want = sha.digest(("Bearer " + config.notifyToken()).getBytes(StandardCharsets.UTF_8));
      byte[] got = sha.digest(authorization.trim().getBytes(StandardCharsets.UTF_8));
      return MessageDigest.isEqual(want, got);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JRE", e);
    }
  }

  private static final class TextServlet extends HttpServlet {
    private final String contentType;
    private final transient Supplier<String> text;

    TextServlet(String contentType, Supplier<String> text) {
      this.contentType = contentType;
      this.text = text;
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
      write(resp, 200, contentType, text.get());
    }
  }

  private static void write(HttpServletResponse resp, int status, String contentType, String body)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    resp.setStatus(status);
    resp.setContentType(contentType);
    resp.setContentLength(bytes.length);
    resp.getOutputStream().write(bytes);
  }

  /** Every answer counted by path and status, whoever wrote it (a servlet, Bolt, or Jetty's 404 / 405 / 413). */
  private final class RequestMetrics extends EventsHandler {
    RequestMetrics(org.eclipse.jetty.server.Handler handler) {
      super(handler);
    }

    @Override
    protected void onComplete(org.eclipse.jetty.server.Request request, int status, HttpFields headers,
        Throwable failure) {
      String path = org.eclipse.jetty.server.Request.getPathInContext(request);
      if (PATHS.contains(path)) {
        metrics.request(path, status, Duration.ofNanos(System.nanoTime() - request.getBeginNanoTime()));
      }
    }
  }
}
