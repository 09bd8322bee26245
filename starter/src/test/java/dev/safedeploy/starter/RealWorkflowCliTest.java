package dev.safedeploy.starter;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.safedeploy.workflows.pipeline.SearchAttributes;
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
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CLI against the real SafeDeploymentWorkflowImpl (with the workflow module's recording fake backend), on the
 * embedded Java test server; {@link RealServerCliTest} runs the same against the real Temporal dev server.
 */
@Timeout(180)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RealWorkflowCliTest {

  FakeBackend backend;
  TemporalFixture temporal;
  @TempDir
  Path dir;

  TemporalFixture fixture(FakeBackend fake) {
    return new TemporalFixture(SafeDeploymentWorkflowImpl.class, fake);
  }

  @BeforeAll
  void start() {
    backend = new FakeBackend().withLive("nyctaxi", "v0", 4.5);
    temporal = fixture(backend);
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

  private CliRun startRun(String version) {
    return cli("alice", "start", "nyctaxi", version, "--data-dir", dir.toString(), "--approver", "bob",
        "--bake", "1s", "--final-bake", "1s", "--watch-window", "1s", "--alarm-poll-interval", "1s");
  }

  private PipelineStatus await(String id, Predicate<PipelineStatus> condition) throws InterruptedException {
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
  void anAlarmDuringApprovalRefusesApproveUntilOverridden() throws Exception {
    assertThat(startRun("v7").exitCode()).isZero();
    await("deploy-nyctaxi-v7", s -> s.stage() == Stage.AWAIT_APPROVAL);
    temporal.client().newWorkflowStub(dev.safedeploy.workflows.pipeline.SafeDeploymentWorkflow.class,
        "deploy-nyctaxi-v7").alarm(new dev.safedeploy.workflows.pipeline.AlarmSignal("nyctaxi-prod-v0-5xx", "ALARM",
        "5xx > 5 for 1 datapoint", Instant.now()));
    await("deploy-nyctaxi-v7", s -> !s.alarms().isEmpty());

    CliRun plain = cli("bob", "approve", "nyctaxi/v7");
    assertThat(plain.exitCode()).as(plain.toString()).isEqualTo(ExitCodes.REFUSED);
    assertThat(plain.err()).contains("nyctaxi-prod-v0-5xx").contains("--override-alarms");
    CliRun overriding = cli("bob", "approve", "nyctaxi/v7", "--override-alarms", "-c", "blue's alarm, v7 fixes it");
    assertThat(overriding.exitCode()).as(overriding.toString()).isZero();
    PipelineStatus done = await("deploy-nyctaxi-v7", s -> s.outcome() != null);
    assertThat(done.events()).anyMatch(e -> e.contains("alarms overridden by bob: nyctaxi-prod-v0-5xx"));
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
    // the canary judge (the fake's: PASS) with its evidence per metric
    assertThat(status.out()).contains("judge     1 judgement", "canary 10% bake: PASS (score 100)",
        "PREDICTION        PASS         blue 900 / green 100: green median answer");

    // the judgement is in the audit trail, and the report shows its evidence with blue and green plotted
    assertThat(history.toString()).contains("\"kind\":\"JUDGEMENT\"", "canary 10% bake: PASS (score 100)");
    Path page = dir.resolve("report-v1.html");
    CliRun report = cli("bob", "report", "nyctaxi/v1", "-o", page.toString());
    assertThat(report.exitCode()).as(report.toString()).isZero();
    assertThat(report.out()).contains("wrote", "(1 judgement)");
    assertThat(java.nio.file.Files.readString(page)).contains("<!DOCTYPE html>", "deploy-nyctaxi-v1",
        "canary 10% bake", "Mann-Whitney U", "<polyline class=\"blue\"", "<polyline class=\"green\"",
        "(900 samples)", "(100 samples)", "PROMOTED");
    assertThat(cli("bob", "report", "nyctaxi/v99", "-o", "-").exitCode()).isEqualTo(ExitCodes.UNKNOWN_RUN);
    CliRun unwritable = cli("bob", "report", "nyctaxi/v1", "-o", dir.resolve("no/such/dir/r.html").toString());
    assertThat(unwritable.exitCode()).as(unwritable.toString()).isEqualTo(ExitCodes.BAD_ARGUMENTS);
    assertThat(unwritable.err()).contains("cannot write", "no/such/dir/r.html").doesNotContain("Exception");

    JsonNode list = awaitListed("deploy-nyctaxi-v1", "--outcome", "PROMOTED", "--model", "nyctaxi");
    assertThat(list.path("source").asText()).isEqualTo(temporal.isReal() ? "visibility-query"
        : "open+closed listing");
    if (temporal.isReal()) {
      assertThat(list.path("query").asText()).contains(SearchAttributes.MODEL.getName() + " = 'nyctaxi'")
          .contains(SearchAttributes.OUTCOME.getName() + " = 'PROMOTED'");
    }
  }

  @Test
  void rejectAndOperatorRollbackThroughTheCli() throws Exception {
    assertThat(startRun("v3").exitCode()).isZero();
    await("deploy-nyctaxi-v3", s -> s.stage() == Stage.AWAIT_APPROVAL);
    CliRun reject = cli("bob", "reject", "nyctaxi/v3", "--comment", "not this week");
    assertThat(reject.exitCode()).as(reject.toString()).isZero();
    CliRun late = cli("bob", "approve", "nyctaxi/v3");
    assertThat(late.exitCode()).as(late.toString()).isEqualTo(ExitCodes.REFUSED);

    assertThat(startRun("v4").exitCode()).isZero();
    await("deploy-nyctaxi-v4", s -> s.stage() == Stage.AWAIT_APPROVAL);
    CliRun rollback = cli("carol", "rollback", "nyctaxi/v4", "--reason", "data was wrong");
    assertThat(rollback.exitCode()).as(rollback.toString()).isZero();
    CliRun watch = cli("carol", "watch", "nyctaxi/v4", "--interval", "300ms");
    assertThat(watch.exitCode()).as(watch.toString()).isEqualTo(ExitCodes.RUN_NOT_PROMOTED);
    assertThat(watch.out()).contains("ROLLED_BACK", "operator rollback by carol");

    JsonNode history = Json.MAPPER.readTree(cli("carol", "history", "nyctaxi/v4", "--json").out());
    assertThat(history.toString()).contains("ROLLBACK_REQUESTED", "carol", "data was wrong", "ROLLED_BACK");
    assertThat(awaitListed("deploy-nyctaxi-v3", "--outcome", "REJECTED").toString())
        .doesNotContain("deploy-nyctaxi-v4");
    assertThat(awaitListed("deploy-nyctaxi-v4", "--outcome", "ROLLED_BACK").toString())
        .doesNotContain("deploy-nyctaxi-v3");
  }

  @Test
  void unknownRunsAndAnUnreachableServerHaveTheirExitCodes() {
    assertThat(cli("bob", "status", "nyctaxi/v99").exitCode()).isEqualTo(ExitCodes.UNKNOWN_RUN);
    assertThat(cli("bob", "approve", "nyctaxi/v99").exitCode()).isEqualTo(ExitCodes.UNKNOWN_RUN);
    CliRun bad = cli("bob", "status", "nyctaxi/v1", "--address", "not-an-address");
    assertThat(bad.exitCode()).as(bad.toString()).isEqualTo(ExitCodes.BAD_ARGUMENTS);
    CliRun down = cli("bob", "list", "--address", "127.0.0.1:" + TemporalFixture.freePort(), "--connect-timeout",
        "1s");
    assertThat(down.exitCode()).as(down.toString()).isEqualTo(ExitCodes.UNREACHABLE);
  }

  /** Visibility is eventually consistent on a real server: poll the listing until the run shows, never sleep. */
  private JsonNode awaitListed(String workflowId, String... filter) throws Exception {
    String[] args = new String[filter.length + 2];
    args[0] = "list";
    System.arraycopy(filter, 0, args, 1, filter.length);
    args[args.length - 1] = "--json";
    Instant deadline = Instant.now().plusSeconds(30);
    while (true) {
      CliRun run = cli("bob", args);
      assertThat(run.exitCode()).as(run.toString()).isZero();
      JsonNode list = Json.MAPPER.readTree(run.out());
      List<String> ids = new ArrayList<>();
      list.path("runs").forEach(r -> ids.add(r.path("workflowId").asText()));
      if (ids.contains(workflowId)) {
        return list;
      }
      if (Instant.now().isAfter(deadline)) {
        throw new AssertionError(workflowId + " never listed by " + String.join(" ", args) + ": " + ids);
      }
      Thread.sleep(200);
    }
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
