package dev.safedeploy.starter;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.safedeploy.starter.cli.ExitCodes;
import dev.safedeploy.starter.cli.Json;
import dev.safedeploy.starter.fake.TemporalFixture;
import dev.safedeploy.starter.runs.RunService;
import dev.safedeploy.workflows.pipeline.PipelineStatus;
import dev.safedeploy.workflows.pipeline.SafeDeploymentWorkflowImpl;
import dev.safedeploy.workflows.pipeline.Stage;
import dev.safedeploy.workflows.testing.FakeBackend;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The CLI against the real SafeDeploymentWorkflowImpl (with the workflow module's recording fake backend). */
@Timeout(180)
class RealWorkflowCliTest {

  static FakeBackend backend;
  static TemporalFixture temporal;
  @TempDir
  static Path dir;

  @BeforeAll
  static void start() {
    backend = new FakeBackend().withLive("nyctaxi", "v0", 4.5);
    temporal = new TemporalFixture(SafeDeploymentWorkflowImpl.class, backend);
  }

  @AfterAll
  static void stop() {
    temporal.close();
  }

  private static CliRun cli(String user, String... args) {
    return CliRun.run(temporal.env(user), args);
  }

  private static CliRun startRun(String version) {
    return cli("alice", "start", "nyctaxi", version, "--data-dir", dir.toString(), "--approver", "bob",
        "--bake", "1s", "--final-bake", "1s", "--watch-window", "1s", "--alarm-poll-interval", "1s");
  }

  private static PipelineStatus await(String id, Predicate<PipelineStatus> condition) throws InterruptedException {
    RunService runs = new RunService(temporal.client());
    Instant deadline = Instant.now().plusSeconds(60);
    PipelineStatus s = runs.view(id).status();
    while (!condition.test(s)) {
      if (Instant.now().isAfter(deadline)) {
        throw new AssertionError("never matched: " + s);
      }
      Thread.sleep(100);
      s = runs.view(id).status();
    }
    return s;
  }

  @Test
  void approvalThroughTheValidatedUpdateThenPromotion() throws Exception {
    CliRun started = startRun("v1");
    assertThat(started.exitCode()).as(started.toString()).isZero();
    await("deploy-nyctaxi-v1", s -> s.stage() == Stage.AWAIT_APPROVAL);

    CliRun self = cli("alice", "approve", "nyctaxi/v1", "--as", "alice");
    assertThat(self.exitCode()).as(self.toString()).isEqualTo(ExitCodes.REFUSED);
    assertThat(self.err()).contains("refused:").doesNotContain("Exception");
    CliRun stranger = cli("alice", "approve", "nyctaxi/v1", "--as", "mallory");
    assertThat(stranger.exitCode()).isEqualTo(ExitCodes.REFUSED);
    assertThat(stranger.err()).contains("mallory");

    CliRun ok = cli("bob", "approve", "nyctaxi/v1", "--comment", "beats live");
    assertThat(ok.exitCode()).as(ok.toString()).isZero();
    assertThat(ok.out()).contains("approved by bob via cli");

    CliRun watch = cli("bob", "watch", "nyctaxi/v1", "--interval", "300ms", "--json");
    assertThat(watch.exitCode()).as(watch.toString()).isEqualTo(ExitCodes.OK);
    String[] lines = watch.out().strip().split("\n");
    JsonNode last = Json.MAPPER.readTree(lines[lines.length - 1]);
    assertThat(last.path("status").path("outcome").asText()).isEqualTo("PROMOTED");
    assertThat(last.path("status").path("traffic").path("v1").asInt()).isEqualTo(100);

    JsonNode history = Json.MAPPER.readTree(cli("bob", "history", "nyctaxi/v1", "--json").out());
    List<String> kinds = new ArrayList<>();
    history.path("entries").forEach(e -> kinds.add(e.path("kind").asText() + ":" + e.path("actor").asText()));
    assertThat(kinds).contains("REQUESTED:alice", "APPROVED:bob");
    assertThat(kinds).anyMatch(k -> k.startsWith("OUTCOME:"));
    assertThat(history.toString()).contains("PROMOTED");

    CliRun status = cli("bob", "status", "nyctaxi/v1");
    assertThat(status.exitCode()).isZero();
    assertThat(status.out()).contains("PROMOTED", "DEPLOY_PROD", "approved by bob");

    JsonNode list = Json.MAPPER.readTree(cli("bob", "list", "--outcome", "PROMOTED", "--json").out());
    List<String> ids = new ArrayList<>();
    list.path("runs").forEach(r -> ids.add(r.path("workflowId").asText()));
    assertThat(ids).contains("deploy-nyctaxi-v1");
  }

  @Test
  void anAlarmDuringTheCanaryRollsBackAndWatchExits1() throws Exception {
    assertThat(startRun("v2").exitCode()).isZero();
    await("deploy-nyctaxi-v2", s -> s.stage() == Stage.AWAIT_APPROVAL);
    assertThat(cli("bob", "approve", "nyctaxi", "v2").exitCode()).isZero();
    await("deploy-nyctaxi-v2", s -> s.stage() == Stage.DEPLOY_PROD && s.trafficStep() >= 1);
    backend.alarmsInAlarm.add("nyctaxi-prod-v2-5xx");

    CliRun watch = cli("bob", "watch", "deploy-nyctaxi-v2", "--interval", "300ms");
    assertThat(watch.exitCode()).as(watch.toString()).isEqualTo(ExitCodes.RUN_NOT_PROMOTED);
    assertThat(watch.out()).contains("ROLLED_BACK", "alarm");

    JsonNode history = Json.MAPPER.readTree(cli("bob", "history", "nyctaxi/v2", "--json").out());
    assertThat(history.toString()).contains("\"kind\":\"ALARM\"", "nyctaxi-prod-v2-5xx", "ROLLED_BACK");
  }
}
