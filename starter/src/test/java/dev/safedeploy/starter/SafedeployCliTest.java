package dev.safedeploy.starter;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.safedeploy.workflows.pipeline.SearchAttributes;
import dev.safedeploy.starter.cli.ExitCodes;
import dev.safedeploy.starter.cli.Json;
import dev.safedeploy.starter.fake.FakeCommands;
import dev.safedeploy.starter.fake.TemporalFixture;
import dev.safedeploy.starter.runs.RunService;
import dev.safedeploy.workflows.pipeline.Stage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The safedeploy commands against the embedded test server running a fake pipeline workflow. */
@Timeout(120)
class SafedeployCliTest {

  static TemporalFixture temporal;
  @TempDir
  static Path dir;

  @BeforeAll
  static void startServer() {
    temporal = new TemporalFixture();
  }

  @AfterAll
  static void stopServer() {
    temporal.close();
  }

  /** carol requests; fast bakes so a promotion takes a few seconds. */
  private static CliRun start(String model, String version, String... extra) {
    List<String> args = new ArrayList<>(List.of("start", model, version, "--data-dir", dir.toString(),
        "--bake", "1s", "--final-bake", "1s", "--approver", "alice,bob"));
    args.addAll(List.of(extra));
    return CliRun.run(temporal.env("carol"), args.toArray(String[]::new));
  }

  private static CliRun cli(String... args) {
    return CliRun.run(temporal.env("carol"), args);
  }

  private static void awaitStage(String workflowId, Stage stage) throws InterruptedException {
    RunService runs = new RunService(temporal.client());
    Instant deadline = Instant.now().plusSeconds(30);
    while (Instant.now().isBefore(deadline)) {
      if (runs.view(workflowId).status().stage() == stage) {
        return;
      }
      Thread.sleep(100);
    }
    throw new AssertionError(workflowId + " never reached " + stage);
  }

  @Test
  void startWithInvalidRequestListsEveryProblemAndExits2WithoutConnecting() {
    CliRun r = CliRun.run(Map.of("TEMPORAL_ADDRESS", "127.0.0.1:1", "USER", "carol"),
        "start", "Bad_Model", "v1", "--canary-percent", "0", "--rmse-threshold", "-1", "-H", "max_depth=999");
    assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCodes.BAD_ARGUMENTS);
    assertThat(r.err()).contains("model 'Bad_Model'", "data is required", "policy.canaryPercent",
        "policy.rmseThreshold", "hyperparameter max_depth").doesNotContain("Exception");
  }

  @Test
  void aBadErrorRatePolicyIsABadArgument() {
    CliRun r = CliRun.run(Map.of("TEMPORAL_ADDRESS", "127.0.0.1:1", "USER", "carol"),
        "start", "taxi", "v1", "--data-dir", "/d", "--error-rate", "1.5", "--error-rate-min-samples", "0");
    assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCodes.BAD_ARGUMENTS);
    assertThat(r.err()).contains("policy.errorRateThreshold must be a fraction in (0, 1], got 1.5",
        "policy.errorRateMinSamples must be at least 1, got 0");
  }

  @Test
  void badDurationIsABadArgument() {
    CliRun r = cli("start", "taxi", "v1", "--bake", "5 minutes");
    assertThat(r.exitCode()).isEqualTo(ExitCodes.BAD_ARGUMENTS);
    assertThat(r.err()).contains("--bake", "not a duration");
  }

  @Test
  void startRefusesADuplicateWithAClearError() {
    CliRun first = start("dup", "v1");
    assertThat(first.exitCode()).as(first.toString()).isZero();
    assertThat(first.out()).contains("started deploy-dup-v1");
    CliRun second = start("dup", "v1");
    assertThat(second.exitCode()).isEqualTo(ExitCodes.BAD_ARGUMENTS);
    assertThat(second.err()).contains("deploy-dup-v1 already exists").doesNotContain("Exception");
  }

  @Test
  void refusedDecisionsExit5WithTheValidatorsReasonThenApprovalPromotes() throws Exception {
    assertThat(start("taxi", "v2").exitCode()).isZero();
    awaitStage("deploy-taxi-v2", Stage.AWAIT_APPROVAL);

    CliRun self = cli("approve", "taxi/v2", "--as", "carol");
    assertThat(self.exitCode()).as(self.toString()).isEqualTo(ExitCodes.REFUSED);
    assertThat(self.err()).contains("not on the approvers list");
    CliRun stranger = cli("approve", "taxi", "v2", "--as", "mallory");
    assertThat(stranger.exitCode()).isEqualTo(ExitCodes.REFUSED);
    assertThat(stranger.err()).contains("mallory is not on the approvers list [alice, bob]");

    CliRun ok = cli("approve", "deploy-taxi-v2", "--as", "alice", "--comment", "rmse fine", "--json");
    assertThat(ok.exitCode()).as(ok.toString()).isZero();
    JsonNode rec = Json.MAPPER.readTree(ok.out());
    assertThat(rec.path("approver").asText()).isEqualTo("alice");
    assertThat(rec.path("via").asText()).isEqualTo("cli");
    assertThat(rec.path("at").asText()).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");

    CliRun watch = cli("watch", "taxi/v2", "--interval", "200ms", "--json");
    assertThat(watch.exitCode()).as(watch.toString()).isEqualTo(ExitCodes.OK);
    String[] lines = watch.out().strip().split("\n");
    JsonNode last = Json.MAPPER.readTree(lines[lines.length - 1]);
    assertThat(last.path("status").path("outcome").asText()).isEqualTo("PROMOTED");
    assertThat(watch.err()).contains("DEPLOY_PROD", "traffic 10% to v2", "ended: PROMOTED");

    CliRun late = cli("reject", "taxi/v2", "--as", "bob");
    assertThat(late.exitCode()).isEqualTo(ExitCodes.REFUSED);
    assertThat(late.err()).contains("the run has ended");
  }

  @Test
  void fourEyesRefusesTheRequesterEvenWhenListed() throws Exception {
    CliRun started = CliRun.run(temporal.env("alice"), "start", "fe", "v1", "--data-dir", dir.toString(),
        "--approver", "alice");
    assertThat(started.exitCode()).as(started.toString()).isZero();
    awaitStage("deploy-fe-v1", Stage.AWAIT_APPROVAL);
    CliRun self = CliRun.run(temporal.env("alice"), "approve", "fe/v1");
    assertThat(self.exitCode()).isEqualTo(ExitCodes.REFUSED);
    assertThat(self.err()).contains("four-eyes");
    assertThat(cli("rollback", "fe/v1", "--reason", "cleanup").exitCode()).isZero();
  }

  @Test
  void rejectionEndsTheRunAndWatchExits1() throws Exception {
    assertThat(start("rej", "v1").exitCode()).isZero();
    awaitStage("deploy-rej-v1", Stage.AWAIT_APPROVAL);
    assertThat(cli("reject", "rej/v1", "--as", "bob", "-c", "too slow").exitCode()).isZero();
    CliRun watch = cli("watch", "rej/v1", "--interval", "200ms");
    assertThat(watch.exitCode()).as(watch.toString()).isEqualTo(ExitCodes.RUN_NOT_PROMOTED);
    assertThat(watch.out()).contains("ended: REJECTED");
  }

  @Test
  void statusJsonHasTheRunTheStagesAndIsoTimes() throws Exception {
    assertThat(start("stat", "v1").exitCode()).isZero();
    awaitStage("deploy-stat-v1", Stage.AWAIT_APPROVAL);
    CliRun r = cli("status", "stat/v1", "--json");
    assertThat(r.exitCode()).as(r.toString()).isZero();
    JsonNode j = Json.MAPPER.readTree(r.out());
    assertThat(j.path("workflowId").asText()).isEqualTo("deploy-stat-v1");
    assertThat(j.path("executionStatus").asText()).isEqualTo("RUNNING");
    assertThat(j.path("source").asText()).isEqualTo("query");
    JsonNode s = j.path("status");
    assertThat(s.path("stage").asText()).isEqualTo("AWAIT_APPROVAL");
    assertThat(s.path("requestedBy").asText()).isEqualTo("carol");
    assertThat(s.path("stages").get(0).path("stage").asText()).isEqualTo("BUILD");
    assertThat(s.path("stages").get(0).path("startedAt").asText()).endsWith("Z");
    assertThat(s.path("trafficSteps").toString()).isEqualTo("[10,100]");

    CliRun text = cli("status", "deploy-stat-v1");
    assertThat(text.out()).contains("AWAIT_APPROVAL", "STAGE", "DURATION", "BUILD", "traffic", "approval");
    assertThat(cli("rollback", "stat/v1", "--reason", "cleanup").exitCode()).isZero();
  }

  @Test
  void listFallsBackToOpenAndClosedListingAndFilters() throws Exception {
    assertThat(start("lst", "v1").exitCode()).isZero();
    assertThat(start("lst", "v2").exitCode()).isZero();
    awaitStage("deploy-lst-v1", Stage.AWAIT_APPROVAL);
    awaitStage("deploy-lst-v2", Stage.AWAIT_APPROVAL);
    assertThat(cli("reject", "lst/v1", "--as", "bob").exitCode()).isZero();
    new RunService(temporal.client()).untyped("deploy-lst-v1").getResult(Object.class);

    CliRun all = cli("list", "--model", "lst", "--json");
    assertThat(all.exitCode()).as(all.toString()).isZero();
    JsonNode j = Json.MAPPER.readTree(all.out());
    assertThat(j.path("source").asText()).isEqualTo("open+closed listing");
    assertThat(j.path("query").asText()).contains(SearchAttributes.MODEL.getName() + " = 'lst'");
    List<String> ids = new ArrayList<>();
    j.path("runs").forEach(r -> ids.add(r.path("workflowId").asText()));
    assertThat(ids).containsExactlyInAnyOrder("deploy-lst-v1", "deploy-lst-v2");

    JsonNode rejected = Json.MAPPER.readTree(cli("list", "--model", "lst", "--outcome", "REJECTED", "--json").out());
    assertThat(rejected.path("runs")).hasSize(1);
    assertThat(rejected.path("runs").get(0).path("version").asText()).isEqualTo("v1");
    assertThat(rejected.path("runs").get(0).path("executionStatus").asText()).isEqualTo("COMPLETED");

    JsonNode waiting = Json.MAPPER.readTree(
        cli("list", "--model", "lst", "--stage", "AWAIT_APPROVAL", "--json").out());
    assertThat(waiting.path("runs")).hasSize(1);
    assertThat(waiting.path("runs").get(0).path("workflowId").asText()).isEqualTo("deploy-lst-v2");

    CliRun text = cli("list", "--model", "lst");
    assertThat(text.err()).contains("cannot run visibility queries");
    assertThat(text.out()).contains("deploy-lst-v1", "REJECTED");
    assertThat(cli("rollback", "lst/v2", "--reason", "cleanup").exitCode()).isZero();
  }

  @Test
  void historyIsTheAuditTrail() throws Exception {
    assertThat(start("hist", "v1").exitCode()).isZero();
    awaitStage("deploy-hist-v1", Stage.AWAIT_APPROVAL);
    assertThat(cli("approve", "hist/v1", "--as", "mallory").exitCode()).isEqualTo(ExitCodes.REFUSED);
    assertThat(cli("approve", "hist/v1", "--as", "bob", "-c", "ship it").exitCode()).isZero();
    awaitStage("deploy-hist-v1", Stage.DEPLOY_PROD);
    assertThat(cli("rollback", "hist/v1", "--reason", "latency looks off", "--as", "dave").exitCode()).isZero();
    new RunService(temporal.client()).untyped("deploy-hist-v1").getResult(Object.class);

    CliRun r = cli("history", "hist/v1", "--json");
    assertThat(r.exitCode()).as(r.toString()).isZero();
    JsonNode j = Json.MAPPER.readTree(r.out());
    assertThat(j.path("executionStatus").asText()).isEqualTo("COMPLETED");
    List<String> kinds = new ArrayList<>();
    j.path("entries").forEach(e -> kinds.add(e.path("kind").asText()));
    assertThat(kinds).first().isEqualTo("REQUESTED");
    assertThat(kinds).contains("STAGE_STARTED", "STAGE_ENDED", "APPROVED", "ROLLBACK_REQUESTED", "OUTCOME");
    JsonNode requested = j.path("entries").get(0);
    assertThat(requested.path("actor").asText()).isEqualTo("carol");
    assertThat(requested.path("at").asText()).endsWith("Z");
    assertThat(r.out()).contains("\"actor\":\"bob\"", "ship it", "latency looks off", "\"actor\":\"dave\"",
        "ROLLED_BACK");

    CliRun text = cli("history", "hist/v1");
    assertThat(text.out()).contains("REQUESTED", "APPROVED", "ROLLBACK_REQUESTED", "OUTCOME");
  }

  @Test
  void unknownRunExits3() {
    CliRun status = cli("status", "deploy-nope-v9");
    assertThat(status.exitCode()).as(status.toString()).isEqualTo(ExitCodes.UNKNOWN_RUN);
    assertThat(status.err()).contains("no run deploy-nope-v9").doesNotContain("Exception");
    assertThat(cli("approve", "nope/v9", "--as", "alice").exitCode()).isEqualTo(ExitCodes.UNKNOWN_RUN);
    assertThat(cli("history", "nope/v9").exitCode()).isEqualTo(ExitCodes.UNKNOWN_RUN);
  }

  @Test
  void aDecisionNobodyValidatesTimesOutInsteadOfHanging() {
    // A run on a task queue no worker polls: the update can never be validated.
    dev.safedeploy.workflows.client.PipelineRuns.start(temporal.client(), "nobody-polls-this",
        new dev.safedeploy.workflows.pipeline.PipelineRequest("orphan", "v1", null, null, "carol", null));
    RunService runs = new RunService(temporal.client(), Duration.ofSeconds(2));
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> runs.decide("deploy-orphan-v1",
            dev.safedeploy.workflows.pipeline.ApprovalDecision.approve("alice", null, "cli")))
        .isInstanceOfSatisfying(dev.safedeploy.starter.runs.RunFailure.class,
            f -> assertThat(f.kind()).isEqualTo(dev.safedeploy.starter.runs.RunFailure.Kind.NO_WORKER))
        .hasMessageContaining("no worker answered");
    temporal.client().newUntypedWorkflowStub("deploy-orphan-v1").terminate("test over");
  }

  @Test
  void unreachableServerExits4() {
    int closed = TemporalFixture.freePort();
    CliRun r = CliRun.run(Map.of("USER", "carol"), "--address", "127.0.0.1:" + closed, "--connect-timeout", "1s",
        "status", "taxi/v1");
    assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCodes.UNREACHABLE);
    assertThat(r.err()).contains("cannot reach the Temporal server at 127.0.0.1:" + closed)
        .doesNotContain("Exception");
  }

  @Test
  void badAddressExits2() {
    for (String bad : List.of("nocolon", "127.0.0.1:99999", "http://127.0.0.1:7233", "127.0.0.1:0")) {
      CliRun r = CliRun.run(Map.of("USER", "carol"), "--address", bad, "--connect-timeout", "1s", "status", "taxi/v1");
      assertThat(r.exitCode()).as(bad + ": " + r).isEqualTo(ExitCodes.BAD_ARGUMENTS);
      assertThat(r.err()).contains("bad Temporal address").doesNotContain("Exception");
    }
  }

  @Test
  void policyFileIsReadAndOptionsOverrideIt() throws Exception {
    Path policy = dir.resolve("policy.yaml");
    Files.writeString(policy, "strategy: linear\nlinearStepPercent: 50\nlinearInterval: 2m\napprovers: [alice]\n"
        + "approvalTimeout: P2D\njudge:\n  shadow: 5m\n  confidence: 0.95\n");
    CliRun r = CliRun.run(temporal.env("carol"), "start", "pol", "v1", "--data-dir", dir.toString(), "--policy",
        policy.toString(), "--linear-interval", "30s", "--no-four-eyes", "--json");
    assertThat(r.exitCode()).as(r.toString()).isZero();
    JsonNode p = Json.MAPPER.readTree(r.out()).path("request").path("policy");
    assertThat(p.path("strategy").asText()).isEqualTo("LINEAR");
    assertThat(p.path("linearStepPercent").asInt()).isEqualTo(50);
    assertThat(p.path("linearInterval").asText()).isEqualTo("PT30S");
    assertThat(p.path("approvalTimeout").asText()).isEqualTo("PT48H");
    assertThat(p.path("fourEyes").asBoolean()).isFalse();
    assertThat(p.path("judge").path("shadow").asText()).isEqualTo("PT5M");
    assertThat(p.path("judge").path("confidence").asDouble()).isEqualTo(0.95);
    assertThat(p.path("judge").path("minSamples").asInt()).isEqualTo(50);
    assertThat(Json.MAPPER.readTree(r.out()).path("request").path("data").path("train").asText())
        .startsWith("file:/").endsWith("/train.csv");
    assertThat(cli("rollback", "pol/v1", "--reason", "cleanup").exitCode()).isZero();

    Path bad = dir.resolve("bad.yaml");
    Files.writeString(bad, "strategy: CANARY\ncanaryPercentage: 5\n");
    CliRun invalid = CliRun.run(temporal.env("carol"), "start", "pol", "v2", "--data-dir", dir.toString(),
        "--policy", bad.toString());
    assertThat(invalid.exitCode()).isEqualTo(ExitCodes.BAD_ARGUMENTS);
    assertThat(invalid.err()).contains("bad.yaml:2", "unknown field 'canaryPercentage'", "canaryPercent");

    Path badValue = dir.resolve("bad-value.json");
    Files.writeString(badValue, "{\n  \"strategy\": \"CANARY\",\n  \"bake\": \"five minutes\"\n}\n");
    CliRun value = CliRun.run(temporal.env("carol"), "start", "pol", "v3", "--data-dir", dir.toString(),
        "--policy", badValue.toString());
    assertThat(value.exitCode()).isEqualTo(ExitCodes.BAD_ARGUMENTS);
    assertThat(value.err()).contains("bad-value.json:3", "bake");
  }

  @Test
  void providedCommandsJoinTheOneTreeAndKeepTheirOwnFailureHandling() {
    CliRun help = CliRun.run(SafedeployCli.commandLine(Map.of(), List.of(new FakeCommands())), "--help");
    assertThat(help.out()).containsPattern("(?m)^  fakerun\\s+A provided command \\(its summary\\)\\.$")
        .containsPattern("(?m)^  start\\s");
    FakeCommands.prepared.set(0);
    CliRun own = CliRun.run(SafedeployCli.commandLine(Map.of(), List.of(new FakeCommands())), "fakerun", "--help");
    assertThat(own.exitCode()).isZero();
    assertThat(own.out()).startsWith("Usage: safedeploy fakerun").contains("Records its arguments")
        .doesNotContain("its summary");

    CliRun r = CliRun.run(SafedeployCli.commandLine(Map.of(), List.of(new FakeCommands())),
        "fakerun", "--json", "taxi", "extra");
    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(FakeCommands.lastArgs).containsExactly("--json", "taxi", "extra");
    // prepared once before it ran; never for its help, nor for the root's own commands
    assertThat(FakeCommands.prepared.get()).isEqualTo(1);
    CliRun.run(SafedeployCli.commandLine(Map.of(), List.of(new FakeCommands())), "--help");
    assertThat(FakeCommands.prepared.get()).isEqualTo(1);

    CliRun failed = CliRun.run(SafedeployCli.commandLine(Map.of(), List.of(new FakeCommands())), "fakerun", "--fail");
    assertThat(failed.exitCode()).isEqualTo(7);
    assertThat(failed.err()).isEqualTo("fake fakerun: it failed: because\n");
    // bad arguments to it: the root's report, as the provider left that to the root
    CliRun bad = CliRun.run(SafedeployCli.commandLine(Map.of(), List.of(new FakeCommands())), "fakerun", "--nope");
    assertThat(bad.exitCode()).isEqualTo(ExitCodes.BAD_ARGUMENTS);
    assertThat(bad.err()).contains("safedeploy fakerun: Unknown option: '--nope'", "try: safedeploy fakerun --help");

    // a client-only starter: no provider, no runtime command, the root's own one-line answer
    CliRun missing = CliRun.run(SafedeployCli.commandLine(Map.of(), List.of()), "worker");
    assertThat(missing.exitCode()).isEqualTo(ExitCodes.BAD_ARGUMENTS);
    assertThat(missing.err()).contains("Unmatched argument", "'worker'");
  }

  @Test
  void helpListsEveryCommandAndTheExitCodes() {
    CliRun r = CliRun.run(Map.of(), "--help");
    assertThat(r.exitCode()).isZero();
    // the runtime commands and bench come from the worker and bench modules: bench's SingleCommandTreeTest
    for (String c : List.of("start", "approve", "reject", "rollback", "status", "watch", "list", "history",
        "report", "retrain", "gateway")) {
      assertThat(r.out()).containsPattern("(?m)^  " + c + "\\s");
    }
    assertThat(r.out()).contains("Exit codes:", "3  unknown run", "4  Temporal server unreachable", "5  refused");
  }

  @Test
  void gatewayWithoutSlackSettingsSaysWhatIsMissing() {
    CliRun r = CliRun.run(Map.of("USER", "carol"), "gateway");
    assertThat(r.exitCode()).isEqualTo(ExitCodes.BAD_ARGUMENTS);
    assertThat(r.err()).contains("SLACK_BOT_TOKEN is not set", "SLACK_SIGNING_SECRET is not set",
        "SLACK_CHANNEL is not set");
  }

  @Test
  void runsAreNamedByIdModelSlashVersionOrTwoWords() {
    assertThat(dev.safedeploy.starter.cli.RunRef.workflowId(List.of("taxi/v2"))).isEqualTo("deploy-taxi-v2");
    assertThat(dev.safedeploy.starter.cli.RunRef.workflowId(List.of("taxi", "v2"))).isEqualTo("deploy-taxi-v2");
    assertThat(dev.safedeploy.starter.cli.RunRef.workflowId(List.of("deploy-taxi-v2"))).isEqualTo("deploy-taxi-v2");
    assertThat(cli("status", "a/b/c").exitCode()).isEqualTo(ExitCodes.BAD_ARGUMENTS);
  }
}
