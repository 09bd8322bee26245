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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run that fails in production, as an operator sees it through the CLI: status names the stage it failed in and the
 * cause, shows production's weights as the backend reports them, history has the cause, watch exits 1.
 */
@Timeout(120)
class FailedRunCliTest {

  @TempDir Path dir;
  TemporalFixture temporal;

  @AfterEach
  void stop() {
    if (temporal != null) {
      temporal.close();
    }
  }

  private CliRun cli(String user, String... args) {
    return CliRun.run(temporal.env(user), args);
  }

  @Test
  void aRunThatFailsInProductionSaysWhereAndWhyAndShowsTheRealWeights() throws Exception {
    FakeBackend backend = new FakeBackend().withLive("nyctaxi", "v1", 5.0)
        .failingPermanently("watchAlarms", 100);
    temporal = new TemporalFixture(SafeDeploymentWorkflowImpl.class, backend);
    CliRun start = cli("alice", "start", "nyctaxi", "v2", "--data-dir", dir.toString(), "--approver", "bob",
        "--bake", "1s", "--final-bake", "1s", "--watch-window", "1s", "--alarm-poll-interval", "1s");
    assertThat(start.exitCode()).as(start.toString()).isZero();
    RunService runs = new RunService(temporal.client());
    await(runs, s -> s.stage() == Stage.AWAIT_APPROVAL);
    assertThat(cli("bob", "approve", "nyctaxi/v2").exitCode()).isZero();

    CliRun watch = cli("bob", "watch", "nyctaxi/v2", "--interval", "300ms");
    assertThat(watch.exitCode()).as(watch.toString()).isEqualTo(ExitCodes.RUN_NOT_PROMOTED);
    assertThat(watch.out()).contains("FAILED", "DEPLOY_PROD failed", "injected permanent failure of watchAlarms");

    CliRun status = cli("bob", "status", "nyctaxi/v2");
    assertThat(status.exitCode()).as(status.toString()).isZero();
    assertThat(status.out())
        .contains("outcome   FAILED: DEPLOY_PROD failed: ", "injected permanent failure of watchAlarms")
        .containsPattern("traffic +v1 100%")
        .containsPattern("DEPLOY_PROD +\\S+ \\S+ +\\S+ \\S+")
        .containsPattern("ROLLBACK ");
    assertThat(backend.weights("nyctaxi-prod")).containsExactly(java.util.Map.entry("v1", 100));

    JsonNode json = Json.MAPPER.readTree(cli("bob", "status", "nyctaxi/v2", "--json").out());
    assertThat(json.path("status").path("outcome").asText()).isEqualTo("FAILED");
    assertThat(json.path("status").path("traffic").toString()).isEqualTo("{\"v1\":100}");

    JsonNode history = Json.MAPPER.readTree(cli("bob", "history", "nyctaxi/v2", "--json").out());
    JsonNode outcome = null;
    for (JsonNode e : history.path("entries")) {
      if ("OUTCOME".equals(e.path("kind").asText())) {
        outcome = e;
      }
    }
    assertThat(outcome).as(history.toString()).isNotNull();
    assertThat(outcome.toString()).contains("FAILED", "DEPLOY_PROD failed", "injected permanent failure of watchAlarms");
  }

  private PipelineStatus await(RunService runs, java.util.function.Predicate<PipelineStatus> condition)
      throws InterruptedException {
    Instant deadline = Instant.now().plusSeconds(60);
    PipelineStatus s = runs.view("deploy-nyctaxi-v2").status();
    while (!condition.test(s)) {
      if (Instant.now().isAfter(deadline)) {
        throw new AssertionError("never matched: " + s);
      }
      Thread.sleep(100);
      s = runs.view("deploy-nyctaxi-v2").status();
    }
    return s;
  }
}
