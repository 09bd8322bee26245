package dev.safedeploy.starter.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.safedeploy.starter.cli.Json;
import dev.safedeploy.starter.fake.TemporalFixture;
import dev.safedeploy.starter.runs.RunService;
import dev.safedeploy.workflows.activities.NotificationActivities.Kind;
import dev.safedeploy.workflows.activities.NotificationActivities.Notification;
import dev.safedeploy.workflows.pipeline.DeploymentPolicy;
import dev.safedeploy.workflows.pipeline.PipelineRequest;
import dev.safedeploy.workflows.pipeline.SafeDeploymentWorkflow;
import dev.safedeploy.workflows.pipeline.SafeDeploymentWorkflowImpl;
import dev.safedeploy.workflows.testing.FakeBackend;
import dev.safedeploy.workflows.testing.PipelineHarness;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The workflow's own APPROVAL_REQUESTED notification, through the gateway, a Slack click, back to the workflow. */
@Timeout(120)
class SlackGatewayRealWorkflowTest {

  @Test
  void theRealWorkflowsApprovalRequestIsPostedAndApprovedFromSlack() throws Exception {
    FakeBackend backend = new FakeBackend().withLive("nyctaxi", "v0", 4.5);
    try (TemporalFixture temporal = new TemporalFixture(SafeDeploymentWorkflowImpl.class, backend);
        FakeSlackApi slackApi = new FakeSlackApi()) {
      RunService runs = new RunService(temporal.client());
      GatewayConfig config = GatewayConfig.fromEnv(Map.of("SLACK_BOT_TOKEN", "xoxb-t", "SLACK_SIGNING_SECRET",
          SlackGatewayTest.SECRET, "SLACK_CHANNEL", "C0DEPLOYS", "SLACK_API_URL", slackApi.url(),
          "SAFEDEPLOY_SLACK_USERS", "U0BOB=bob"), 0);
      try (SlackGateway gateway = SlackGateway.create(config, runs).start()) {
        PipelineRequest request = PipelineHarness.request("v7", DeploymentPolicy.defaults());
        SafeDeploymentWorkflow wf = temporal.client().newWorkflowStub(SafeDeploymentWorkflow.class,
            WorkflowOptions.newBuilder().setWorkflowId(request.workflowId())
                .setTaskQueue(SafeDeploymentWorkflow.TASK_QUEUE).build());
        WorkflowClient.start(wf::run, request);
        Notification approvalRequested = null;
        for (int i = 0; i < 300 && approvalRequested == null; i++) {
          approvalRequested = backend.notifications.stream()
              .filter(n -> n.kind() == Kind.APPROVAL_REQUESTED).findFirst().orElse(null);
          Thread.sleep(100);
        }
        assertThat(approvalRequested).as("the workflow asked for approval").isNotNull();

        HttpClient http = HttpClient.newHttpClient();
        String base = "http://127.0.0.1:" + gateway.port();
        HttpResponse<String> notified = http.send(HttpRequest.newBuilder(URI.create(base + "/internal/notify"))
            .POST(HttpRequest.BodyPublishers.ofString(Json.write(approvalRequested))).build(),
            HttpResponse.BodyHandlers.ofString());
        assertThat(notified.statusCode()).as(notified.body()).isEqualTo(200);
        FakeSlackApi.Call post = slackApi.next("chat.postMessage");
        assertThat(post.params().get("blocks")).contains("nyctaxi", "v7", "4.2000", "4.5000", "(v0)",
            "nyctaxi-dev-v7", "alice", "Decide by", "safedeploy_approve");
        String ts = Json.MAPPER.readTree(notified.body()).path("ts").asText();

        String payload = "{\"type\":\"block_actions\",\"user\":{\"id\":\"U0BOB\",\"username\":\"bob\"},"
            + "\"container\":{\"message_ts\":\"" + ts + "\",\"channel_id\":\"C0DEPLOYS\"},"
            + "\"actions\":[{\"action_id\":\"safedeploy_approve\",\"value\":\"" + request.workflowId() + "\"}]}";
        String body = "payload=" + URLEncoder.encode(payload, StandardCharsets.UTF_8);
        String now = Long.toString(Instant.now().getEpochSecond());
        HttpResponse<String> click = http.send(HttpRequest.newBuilder(URI.create(base + "/slack/actions"))
            .header("X-Slack-Request-Timestamp", now)
            .header("X-Slack-Signature", SlackGatewayTest.slackSignature(SlackGatewayTest.SECRET, now, body))
            .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(click.statusCode()).isEqualTo(200);
        FakeSlackApi.Call update = slackApi.next("chat.update");
        assertThat(update.params().get("blocks")).contains("Approved", "bob").doesNotContain("safedeploy_approve");
        var status = runs.view(request.workflowId()).status();
        assertThat(status.approval().approver()).isEqualTo("bob");
        assertThat(status.approval().via()).isEqualTo("slack");
        runs.rollback(request.workflowId(), new dev.safedeploy.workflows.pipeline.RollbackRequest("test", "done"));
      }
    }
  }
}
