package dev.safedeploy.starter;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.safedeploy.starter.cli.ExitCodes;
import dev.safedeploy.starter.cli.Json;
import dev.safedeploy.starter.fake.TemporalFixture;
import dev.safedeploy.workflows.activities.NotificationActivities.Kind;
import dev.safedeploy.workflows.activities.NotificationActivities.Notification;
import dev.safedeploy.workflows.pipeline.SafeDeploymentWorkflowImpl;
import dev.safedeploy.workflows.retrain.FakeRetrainActivities;
import dev.safedeploy.workflows.retrain.RetrainWorkflowImpl;
import dev.safedeploy.workflows.testing.FakeBackend;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/** {@code safedeploy retrain}: the real retrain entity and pipeline over the fake backends, on the Java test server. */
@Timeout(120)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RetrainCliTest {

  FakeBackend backend;
  TemporalFixture temporal;

  @BeforeAll
  void start() {
    backend = new FakeBackend().withLive("nyctaxi", "v1", 4.5);
    temporal = new TemporalFixture(List.of(SafeDeploymentWorkflowImpl.class, RetrainWorkflowImpl.class), backend,
        new FakeRetrainActivities());
  }

  @AfterAll
  void stop() {
    if (temporal != null) {
      temporal.close();
    }
  }

  private CliRun cli(String user, String... args) {
    return CliRun.run(temporal.env(user), args);
  }

  @Test
  @Order(1)
  void retrainByHandStartsTheNextVersionAndSaysWhy() throws Exception {
    CliRun r = cli("alice", "retrain", "nyctaxi", "--reason", "new fare rules");
    assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCodes.OK);
    assertThat(r.out()).contains("retrain of nyctaxi asked of retrain-nyctaxi")
        .contains("manual retrain by alice: new fare rules")
        .contains("started deploy-nyctaxi-v2 (version v2)");

    // the run's history and its approval request carry the cause
    Instant deadline = Instant.now().plusSeconds(60);
    while (backend.notifications.stream().noneMatch(n -> n.kind() == Kind.APPROVAL_REQUESTED)) {
      assertThat(Instant.now()).isBefore(deadline);
      Thread.sleep(100);
    }
    Notification approval = backend.notifications.stream().filter(n -> n.kind() == Kind.APPROVAL_REQUESTED)
        .findFirst().orElseThrow();
    assertThat(approval.fields()).containsEntry("retrainCause", "manual retrain by alice: new fare rules")
        .containsEntry("requestedBy", "alice");
    CliRun history = cli("alice", "history", "deploy-nyctaxi-v2", "--json");
    assertThat(history.exitCode()).as(history.toString()).isEqualTo(ExitCodes.OK);
    JsonNode entries = Json.MAPPER.readTree(history.out()).path("entries");
    JsonNode cause = null;
    for (JsonNode e : entries) {
      if (e.path("kind").asText().equals("RETRAIN_CAUSE")) {
        cause = e;
      }
    }
    assertThat(cause).as(history.out()).isNotNull();
    assertThat(cause.path("actor").asText()).isEqualTo("alice");
    assertThat(cause.path("detail").asText()).isEqualTo("manual retrain by alice: new fare rules");
  }

  @Test
  @Order(2)
  void aSecondRetrainDuringTheOpenRunStartsNothing() throws Exception {
    CliRun r = cli("bob", "retrain", "nyctaxi", "--json");
    assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCodes.OK);
    JsonNode a = Json.MAPPER.readTree(r.out());
    assertThat(a.path("retrainWorkflowId").asText()).isEqualTo("retrain-nyctaxi");
    assertThat(a.path("event").asText()).isEqualTo("COALESCED_INTO_RUN");
    assertThat(a.path("run").asText()).isEqualTo("deploy-nyctaxi-v2");
    assertThat(a.path("trigger").path("by").asText()).isEqualTo("bob");
  }

  @Test
  @Order(3)
  void aBadModelNameIsRefusedBeforeConnecting() {
    CliRun r = cli("alice", "retrain", "Not_A_Model");
    assertThat(r.exitCode()).isEqualTo(ExitCodes.BAD_ARGUMENTS);
    assertThat(r.err()).contains("'Not_A_Model' is not a model name");
  }
}
