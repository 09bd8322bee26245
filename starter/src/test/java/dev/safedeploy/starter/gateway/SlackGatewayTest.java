package dev.safedeploy.starter.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.safedeploy.starter.cli.Json;
import dev.safedeploy.starter.fake.TemporalFixture;
import dev.safedeploy.starter.runs.RunService;
import dev.safedeploy.workflows.activities.NotificationActivities.Kind;
import dev.safedeploy.workflows.activities.NotificationActivities.Notification;
import dev.safedeploy.workflows.pipeline.DataLocations;
import dev.safedeploy.workflows.pipeline.DeploymentPolicy;
import dev.safedeploy.workflows.pipeline.PipelineRequest;
import dev.safedeploy.workflows.pipeline.PipelineStatus;
import dev.safedeploy.workflows.pipeline.SafeDeploymentWorkflow;
import dev.safedeploy.workflows.pipeline.Stage;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The gateway with real signed Slack payloads, a local stand-in for Slack's Web API, and the fake workflow. */
@Timeout(120)
class SlackGatewayTest {

  static final String SECRET = "8f742231b10e8888abcd99yyyzzz85a5";
  static TemporalFixture temporal;
  static RunService runs;

  FakeSlackApi slackApi;
  SlackGateway gateway;
  final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void startServer() {
    temporal = new TemporalFixture();
    runs = new RunService(temporal.client());
  }

  @AfterAll
  static void stopServer() {
    temporal.close();
  }

  @BeforeEach
  void startGateway() throws Exception {
    slackApi = new FakeSlackApi();
    GatewayConfig config = GatewayConfig.fromEnv(Map.of(
        "SLACK_BOT_TOKEN", "xoxb-test-token",
        "SLACK_SIGNING_SECRET", SECRET,
        "SLACK_CHANNEL", "C0DEPLOYS",
        "SLACK_API_URL", slackApi.url(),
        "SAFEDEPLOY_SLACK_USERS", "U0ALICE=alice,U0CAROL=carol"), 0);
    gateway = SlackGateway.create(config, runs).start();
  }

  @AfterEach
  void stopGateway() {
    gateway.close();
    slackApi.close();
  }

  private String startRun(String model, String version) throws InterruptedException {
    PipelineRequest req = new PipelineRequest(model, version,
        new DataLocations("file:/d/train.csv", "file:/d/validation.csv", "file:/d/test.csv", "file:/d/baseline.csv"),
        Map.of(), "carol", DeploymentPolicy.builder().bake(java.time.Duration.ofSeconds(1))
            .finalBake(java.time.Duration.ofSeconds(1)).build());
    SafeDeploymentWorkflow wf = temporal.client().newWorkflowStub(SafeDeploymentWorkflow.class,
        WorkflowOptions.newBuilder().setWorkflowId(req.workflowId()).setTaskQueue(SafeDeploymentWorkflow.TASK_QUEUE)
            .build());
    WorkflowClient.start(wf::run, req);
    for (int i = 0; i < 300 && runs.view(req.workflowId()).status().stage() != Stage.AWAIT_APPROVAL; i++) {
      Thread.sleep(100);
    }
    return req.workflowId();
  }

  private HttpResponse<String> post(String path, String body, Map<String, String> headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + path))
        .POST(HttpRequest.BodyPublishers.ofString(body));
    headers.forEach(b::header);
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** Signed the way Slack signs: v0 HMAC-SHA256 of "v0:ts:body". */
  private HttpResponse<String> postSigned(String path, String body, long timestamp) throws Exception {
    String ts = Long.toString(timestamp);
    return post(path, body, Map.of("X-Slack-Request-Timestamp", ts,
        "X-Slack-Signature", slackSignature(SECRET, ts, body),
        "Content-Type", "application/x-www-form-urlencoded"));
  }

  /** Computed here, independently of the gateway's code, as Slack documents it. */
  static String slackSignature(String secret, String timestamp, String body) throws Exception {
    javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
    mac.init(new javax.crypto.spec.SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    byte[] digest = mac.doFinal(("v0:" + timestamp + ":" + body).getBytes(StandardCharsets.UTF_8));
    StringBuilder hex = new StringBuilder("v0=");
    for (byte b : digest) {
      hex.append(String.format("%02x", b));
    }
    return hex.toString();
  }

  private static String form(Map<String, String> fields) {
    StringBuilder b = new StringBuilder();
    fields.forEach((k, v) -> b.append(b.length() == 0 ? "" : "&").append(k).append('=')
        .append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
    return b.toString();
  }

  private static String buttonPayload(String actionId, String workflowId, String userId, String messageTs) {
    return form(Map.of("payload", "{\"type\":\"block_actions\",\"user\":{\"id\":\"" + userId
        + "\",\"username\":\"someone\"},\"container\":{\"type\":\"message\",\"message_ts\":\"" + messageTs
        + "\",\"channel_id\":\"C0DEPLOYS\"},\"channel\":{\"id\":\"C0DEPLOYS\"},\"message\":{\"ts\":\"" + messageTs
        + "\"},\"actions\":[{\"action_id\":\"" + actionId + "\",\"block_id\":\"safedeploy_decision\",\"value\":\""
        + workflowId + "\",\"type\":\"button\"}]}"));
  }

  private String notifyApprovalRequested(String workflowId, String model, String version) throws Exception {
    Notification n = new Notification(Kind.APPROVAL_REQUESTED, workflowId, model, version,
        "validation RMSE 4.2 beats live 4.5", Map.of("rmse", "4.2000", "liveRmse", "4.5000",
            "devEndpoint", model + "-dev-" + version));
    HttpResponse<String> r = post("/internal/notify", Json.write(n), Map.of("Content-Type", "application/json"));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return Json.MAPPER.readTree(r.body()).path("ts").asText();
  }

  @Test
  void approvalRequestIsPostedAsBlockKitWithButtons() throws Exception {
    String ts = notifyApprovalRequested("deploy-bk-v1", "bk", "v1");
    FakeSlackApi.Call post = slackApi.next("chat.postMessage");
    assertThat(post.authorization()).isEqualTo("Bearer xoxb-test-token");
    assertThat(post.params().get("channel")).isEqualTo("C0DEPLOYS");
    JsonNode blocks = Json.MAPPER.readTree(post.params().get("blocks"));
    String text = blocks.toString();
    assertThat(text).contains("Approval needed: bk v1", "4.2000", "4.5000", "bk-dev-v1");
    JsonNode actions = blocks.get(blocks.size() - 1);
    assertThat(actions.path("type").asText()).isEqualTo("actions");
    assertThat(actions.path("elements").get(0).path("action_id").asText()).isEqualTo("safedeploy_approve");
    assertThat(actions.path("elements").get(0).path("value").asText()).isEqualTo("deploy-bk-v1");
    assertThat(actions.path("elements").get(1).path("action_id").asText()).isEqualTo("safedeploy_reject");
    assertThat(gateway.messageTs("deploy-bk-v1")).contains(ts);

    // A reminder re-posts with live buttons and takes the old message's buttons away.
    Notification reminder = new Notification(Kind.APPROVAL_REMINDER, "deploy-bk-v1", "bk", "v1", "still waiting",
        Map.of());
    assertThat(post("/internal/notify", Json.write(reminder), Map.of()).statusCode()).isEqualTo(200);
    FakeSlackApi.Call repost = slackApi.next("chat.postMessage");
    assertThat(repost.params().get("blocks")).contains("Reminder: approval needed", "safedeploy_approve",
        "4.2000");
    FakeSlackApi.Call superseded = slackApi.next("chat.update");
    assertThat(superseded.params().get("ts")).isEqualTo(ts);
    assertThat(superseded.params().get("blocks")).doesNotContain("safedeploy_approve");

    // Results go to the run's thread.
    Notification promoted = new Notification(Kind.PROMOTED, "deploy-bk-v1", "bk", "v1", "100% on v1", Map.of());
    assertThat(post("/internal/notify", Json.write(promoted), Map.of()).statusCode()).isEqualTo(200);
    FakeSlackApi.Call result = slackApi.next("chat.postMessage");
    assertThat(result.params().get("thread_ts")).isEqualTo(gateway.messageTs("deploy-bk-v1").orElseThrow());
    assertThat(result.params().get("blocks")).contains("PROMOTED");
  }

  @Test
  void approveButtonSendsTheUpdateAndUpdatesTheMessage() throws Exception {
    String id = startRun("btn", "v1");
    String ts = notifyApprovalRequested(id, "btn", "v1");
    slackApi.clear();
    HttpResponse<String> r = postSigned("/slack/actions", buttonPayload("safedeploy_approve", id, "U0ALICE", ts),
        Instant.now().getEpochSecond());
    assertThat(r.statusCode()).isEqualTo(200);
    FakeSlackApi.Call update = slackApi.next("chat.update");
    assertThat(update.params().get("ts")).isEqualTo(ts);
    assertThat(update.params().get("channel")).isEqualTo("C0DEPLOYS");
    assertThat(update.params().get("blocks")).contains("Approved", "by alice").doesNotContain("safedeploy_approve");
    PipelineStatus s = runs.view(id).status();
    assertThat(s.approval().approver()).isEqualTo("alice");
    assertThat(s.approval().via()).isEqualTo("slack");
    assertThat(scrapeMetrics()).contains(
        "safedeploy_gateway_decisions_total{decision=\"approve\",result=\"accepted\",source=\"button\"} 1.0");
  }

  @Test
  void refusedButtonShowsTheValidatorsReasonAndUnmappedUsersAreRefused() throws Exception {
    String id = startRun("ref", "v1");
    String ts = notifyApprovalRequested(id, "ref", "v1");
    slackApi.clear();
    // carol requested the run: four-eyes refuses her.
    postSigned("/slack/actions", buttonPayload("safedeploy_approve", id, "U0CAROL", ts),
        Instant.now().getEpochSecond());
    FakeSlackApi.Call update = slackApi.next("chat.update");
    assertThat(update.params().get("blocks")).contains("four-eyes", "carol", "safedeploy_approve");
    assertThat(runs.view(id).status().approval()).isNull();

    postSigned("/slack/actions", buttonPayload("safedeploy_reject", id, "U0NOBODY", ts),
        Instant.now().getEpochSecond());
    FakeSlackApi.Call ephemeral = slackApi.next("chat.postEphemeral");
    assertThat(ephemeral.params().get("user")).isEqualTo("U0NOBODY");
    assertThat(ephemeral.params().get("text")).contains("not mapped");
    assertThat(runs.view(id).status().stage()).isEqualTo(Stage.AWAIT_APPROVAL);
    runs.rollback(id, new dev.safedeploy.workflows.pipeline.RollbackRequest("test", "cleanup"));
  }

  @Test
  void badMissingAndStaleSignaturesAreRefused() throws Exception {
    String body = buttonPayload("safedeploy_approve", "deploy-x-v1", "U0ALICE", "1.1");
    long now = Instant.now().getEpochSecond();
    HttpResponse<String> missing = post("/slack/actions", body, Map.of());
    assertThat(missing.statusCode()).isEqualTo(401);
    HttpResponse<String> wrong = post("/slack/actions", body, Map.of("X-Slack-Request-Timestamp",
        Long.toString(now), "X-Slack-Signature", slackSignature("another-secret", Long.toString(now), body)));
    assertThat(wrong.statusCode()).isEqualTo(401);
    HttpResponse<String> tampered = post("/slack/actions", body + "x", Map.of("X-Slack-Request-Timestamp",
        Long.toString(now), "X-Slack-Signature", slackSignature(SECRET, Long.toString(now), body)));
    assertThat(tampered.statusCode()).isEqualTo(401);
    HttpResponse<String> stale = postSigned("/slack/commands", "text=status+deploy-x-v1", now - 301);
    assertThat(stale.statusCode()).isEqualTo(401);
    assertThat(stale.body()).contains("5 minutes");
    String metrics = scrapeMetrics();
    assertThat(metrics).contains("safedeploy_gateway_signature_failures_total{reason=\"missing\"} 1.0",
        "safedeploy_gateway_signature_failures_total{reason=\"mismatch\"} 2.0",
        "safedeploy_gateway_signature_failures_total{reason=\"stale\"} 1.0");
  }

  @Test
  void aReplayedSignedRequestIsRefusedWithinTheFiveMinuteWindow() throws Exception {
    long now = Instant.now().getEpochSecond();
    String body = form(Map.of("text", "help", "user_id", "U0ALICE"));
    HttpResponse<String> first = postSigned("/slack/commands", body, now);
    assertThat(first.statusCode()).isEqualTo(200);
    HttpResponse<String> replay = postSigned("/slack/commands", body, now);
    assertThat(replay.statusCode()).isEqualTo(401);
    assertThat(replay.body()).contains("replay refused");
    // the same command sent again by Slack as a new request (new timestamp, new signature) goes through
    assertThat(postSigned("/slack/commands", body, now - 1).statusCode()).isEqualTo(200);
    assertThat(scrapeMetrics()).contains("safedeploy_gateway_signature_failures_total{reason=\"replayed\"} 1.0");
  }

  @Test
  void whatIsNotASlackRequestIsRefusedClearlyAndOtherInteractionsAreOnlyAcknowledged() throws Exception {
    long now = Instant.now().getEpochSecond();
    // signed, but no payload Slack sends: 400 (unsigned garbage is a 401, see above)
    HttpResponse<String> garbage = postSigned("/slack/actions", "payload=%7Bnot-json", now);
    assertThat(garbage.statusCode()).as(garbage.body()).isEqualTo(400);
    // another app's button: acknowledged, nothing decided, nothing posted
    slackApi.clear();
    HttpResponse<String> other = postSigned("/slack/actions",
        buttonPayload("someone_elses_button", "deploy-x-v1", "U0ALICE", "1.1"), now);
    assertThat(other.statusCode()).isEqualTo(200);
    // Slack's certificate check on the command URL carries no signature and is only answered
    assertThat(post("/slack/commands", "ssl_check=1&token=t", Map.of()).statusCode()).isEqualTo(200);
    // more than 1 MiB is refused before anything reads it
    HttpResponse<String> big = post("/internal/notify", "x".repeat((1 << 20) + 1), Map.of());
    assertThat(big.statusCode()).isEqualTo(413);
    HttpResponse<String> get = http.send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + gateway.port() + "/slack/actions")).GET().build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(get.statusCode()).isEqualTo(405);
    assertThat(scrapeMetrics()).contains(
        "safedeploy_gateway_requests_seconds_count{path=\"/slack/actions\",status=\"400\"}",
        "safedeploy_gateway_requests_seconds_count{path=\"/internal/notify\",status=\"413\"}",
        "safedeploy_gateway_requests_seconds_count{path=\"/slack/actions\",status=\"405\"}");
    assertThat(slackApi.calls()).as("nothing reached Slack's Web API").isEmpty();
  }

  @Test
  void theGatewayBindsLoopbackUnlessItHasItsNotifyToken() {
    Map<String, String> slack = Map.of("SLACK_BOT_TOKEN", "xoxb-t", "SLACK_SIGNING_SECRET", SECRET,
        "SLACK_CHANNEL", "C1");
    assertThat(GatewayConfig.fromEnv(slack, 0).bindHost()).isEqualTo("127.0.0.1");
    for (String remote : List.of("0.0.0.0", "192.168.1.10", "::", "gateway.example")) {
      Map<String, String> env = new java.util.HashMap<>(slack);
      env.put("SAFEDEPLOY_GATEWAY_BIND", remote);
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> GatewayConfig.fromEnv(env, 0)).as(remote)
          .hasMessageContaining("SAFEDEPLOY_GATEWAY_TOKEN is required when the gateway listens on " + remote);
      env.put("SAFEDEPLOY_GATEWAY_TOKEN", "s3cret");
      assertThat(GatewayConfig.fromEnv(env, 0).bindHost()).isEqualTo(remote);
    }
    for (String local : List.of("127.0.0.1", "localhost", "::1", "127.0.0.2")) {
      Map<String, String> env = new java.util.HashMap<>(slack);
      env.put("SAFEDEPLOY_GATEWAY_BIND", local);
      assertThat(GatewayConfig.fromEnv(env, 0).bindProblem()).as(local).isNull();
    }
    // a config made in code is checked at start too
    GatewayConfig open = new GatewayConfig("xoxb-t", SECRET, "C1", null, 0, null, Map.of(), "0.0.0.0");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> SlackGateway.create(open, runs).start())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("SAFEDEPLOY_GATEWAY_TOKEN is required");
  }

  @Test
  void slashCommandStatusApproveAndRollback() throws Exception {
    String id = startRun("cmd", "v1");
    String ts = notifyApprovalRequested(id, "cmd", "v1");
    slackApi.clear();
    long now = Instant.now().getEpochSecond();

    JsonNode status = Json.MAPPER.readTree(postSigned("/slack/commands",
        form(Map.of("command", "/safedeploy", "text", "status cmd/v1", "user_id", "U0ALICE")), now).body());
    assertThat(status.path("text").asText()).contains("cmd v1", "AWAIT_APPROVAL");

    JsonNode self = Json.MAPPER.readTree(postSigned("/slack/commands",
        form(Map.of("command", "/safedeploy", "text", "approve " + id + " lgtm", "user_id", "U0CAROL")), now).body());
    assertThat(self.path("response_type").asText()).isEqualTo("ephemeral");
    assertThat(self.path("text").asText()).contains("four-eyes");

    JsonNode ok = Json.MAPPER.readTree(postSigned("/slack/commands",
        form(Map.of("command", "/safedeploy", "text", "approve cmd/v1 lgtm", "user_id", "U0ALICE")), now).body());
    assertThat(ok.path("response_type").asText()).isEqualTo("in_channel");
    assertThat(ok.path("text").asText()).contains("Approved", "alice", "lgtm");
    FakeSlackApi.Call update = slackApi.next("chat.update");
    while (!update.params().get("blocks").contains("Approved")) {
      update = slackApi.next("chat.update"); // the refusal's update comes first
    }
    assertThat(update.params().get("ts")).isEqualTo(ts);

    JsonNode noReason = Json.MAPPER.readTree(postSigned("/slack/commands",
        form(Map.of("text", "rollback cmd/v1", "user_id", "U0ALICE")), now).body());
    assertThat(noReason.path("text").asText()).contains("needs a reason");
    JsonNode rollback = Json.MAPPER.readTree(postSigned("/slack/commands",
        form(Map.of("text", "rollback cmd/v1 p99 latency doubled", "user_id", "U0ALICE")), now).body());
    assertThat(rollback.path("text").asText()).contains("rollback requested by alice", "p99 latency doubled");
    JsonNode unknown = Json.MAPPER.readTree(postSigned("/slack/commands",
        form(Map.of("text", "status nope/v1", "user_id", "U0ALICE")), now).body());
    assertThat(unknown.path("text").asText()).contains("no run deploy-nope-v1");
    // With a response_url (as Slack sends), the command is acknowledged at once and answered there.
    JsonNode ack = Json.MAPPER.readTree(postSigned("/slack/commands", form(Map.of("text", "status cmd/v1",
        "user_id", "U0ALICE", "response_url", slackApi.responseUrl())), now).body());
    assertThat(ack.path("text").asText()).contains("Working on `status deploy-cmd-v1`");
    JsonNode answer = Json.MAPPER.readTree(slackApi.next("response_url").params().get("body"));
    assertThat(answer.path("text").asText()).contains("cmd v1");

    JsonNode help = Json.MAPPER.readTree(postSigned("/slack/commands", form(Map.of("text", "", "user_id", "U0ALICE")),
        now).body());
    assertThat(help.path("text").asText()).contains("Usage: /safedeploy");
  }

  @Test
  void slackApiErrorsAreCountedAndReported() throws Exception {
    slackApi.failWith = "channel_not_found";
    Notification n = new Notification(Kind.APPROVAL_REQUESTED, "deploy-err-v1", "err", "v1", null, Map.of());
    HttpResponse<String> r = post("/internal/notify", Json.write(n), Map.of());
    assertThat(r.statusCode()).isEqualTo(502);
    assertThat(r.body()).contains("channel_not_found");
    assertThat(scrapeMetrics()).contains("safedeploy_gateway_slack_api_errors_total{error=\"channel_not_found\","
        + "method=\"chat.postMessage\"} 1.0");
    assertThat(post("/internal/notify", "{not json", Map.of()).statusCode()).isEqualTo(400);
  }

  @Test
  void userMapParsingNamesTheBadEntryAndSignaturesAgeOutAfterFiveMinutes() throws Exception {
    assertThat(SlackUsers.parseList("U1=alice, U2=bob")).containsExactly(Map.entry("U1", "alice"),
        Map.entry("U2", "bob"));
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> SlackUsers.parseList("U1=alice,U2"))
        .hasMessageContaining("'U2'");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> GatewayConfig.fromEnv(Map.of(), null))
        .hasMessageContaining("SLACK_BOT_TOKEN").hasMessageContaining("SLACK_SIGNING_SECRET")
        .hasMessageContaining("SLACK_CHANNEL");
    SlackRequestVerification verifier = new SlackRequestVerification(SECRET,
        Clock.fixed(Instant.ofEpochSecond(1_700_000_000), java.time.ZoneOffset.UTC), new GatewayMetrics());
    String body = "token=x&text=status";
    assertThat(verifier.verify("1700000000", slackSignature(SECRET, "1700000000", body), body))
        .isEqualTo(SlackRequestVerification.Verdict.OK);
    assertThat(verifier.verify("1699999699", slackSignature(SECRET, "1699999699", body), body))
        .isEqualTo(SlackRequestVerification.Verdict.STALE);
    assertThat(verifier.verify("1700000300", slackSignature(SECRET, "1700000300", body), body))
        .isEqualTo(SlackRequestVerification.Verdict.OK);
    // more than 5 minutes ahead is as stale as behind (Bolt's own check would accept any future timestamp)
    assertThat(verifier.verify("1700000301", slackSignature(SECRET, "1700000301", body), body))
        .isEqualTo(SlackRequestVerification.Verdict.STALE);
    assertThat(verifier.verify("soon", "v0=00", body)).isEqualTo(SlackRequestVerification.Verdict.MISMATCH);
    assertThat(verifier.verify(null, "v0=00", body)).isEqualTo(SlackRequestVerification.Verdict.MISSING);
    // the same signed request again, inside the window, is a replay
    assertThat(verifier.verify("1700000000", slackSignature(SECRET, "1700000000", body), body))
        .isEqualTo(SlackRequestVerification.Verdict.REPLAYED);
  }

  private String scrapeMetrics() throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + gateway.port() + "/metrics")).GET().build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    return r.body();
  }
}
