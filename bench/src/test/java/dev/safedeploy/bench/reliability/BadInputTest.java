package dev.safedeploy.bench.reliability;

import dev.safedeploy.workflows.client.PipelineRuns;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.safedeploy.platform.api.Endpoint;
import dev.safedeploy.platform.api.ModelRecord;
import dev.safedeploy.platform.api.Variant;
import dev.safedeploy.platform.control.PlatformException;
import dev.safedeploy.bench.BenchData;
import dev.safedeploy.bench.LocalStack;
import dev.safedeploy.workflows.pipeline.AlarmRecord;
import dev.safedeploy.workflows.pipeline.AlarmSignal;
import dev.safedeploy.workflows.pipeline.ApprovalDecision;
import dev.safedeploy.workflows.pipeline.DataLocations;
import dev.safedeploy.workflows.pipeline.DeploymentPolicy;
import dev.safedeploy.workflows.pipeline.Outcome;
import dev.safedeploy.workflows.pipeline.PipelineRequest;
import dev.safedeploy.workflows.pipeline.PipelineResult;
import dev.safedeploy.workflows.pipeline.PipelineStatus;
import dev.safedeploy.workflows.pipeline.ResourceNames;
import dev.safedeploy.workflows.pipeline.SafeDeploymentWorkflow;
import dev.safedeploy.workflows.pipeline.Stage;
import io.temporal.client.WorkflowExecutionAlreadyStarted;
import io.temporal.client.WorkflowStub;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad input, each refused with an error that names what is wrong, and nothing lost or leaked: the run that received
 * the bad input still reaches its right outcome, and refused requests create nothing on the platform.
 */
@Tag("reliability")
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class BadInputTest {

  private static final String REQUESTER = "bad-requester";
  private static final String APPROVER = "bad-approver";
  private static final Duration LIMIT = Duration.ofMinutes(3);

  @TempDir
  static Path dir;
  static LocalStack stack;
  static BenchData data;
  static final List<String> rejected = new ArrayList<>();
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void up() {
    data = BenchData.generate(dir.resolve("stack/data"), 10_000);
    stack = LocalStack.start(dir.resolve("stack"), true, Duration.ofSeconds(1));
  }

  @AfterAll
  static void down() {
    if (stack != null) {
      stack.close();
    }
    System.out.println("reliability: bad inputs tried and rejected cleanly: " + rejected.size() + " " + rejected);
  }

  @Test
  void invalidNamesVersionsAndHyperparametersAreRefusedBeforeAnythingIsCreated() {
    record Bad(String model, String version, Map<String, String> hp, String expected) {}
    List<Bad> cases = List.of(
        new Bad("NYCTaxi", "v1", Map.of(), "model 'NYCTaxi' must be lowercase"),
        new Bad("bad_model", "v1", Map.of(), "model 'bad_model' must be lowercase"),
        new Bad("-lead", "v1", Map.of(), "model '-lead'"),
        new Bad("averyveryverylongmodel", "v1", Map.of(), "longer than 15"),
        new Bad("badnames", "V1", Map.of(), "version 'V1'"),
        new Bad("badnames", "v 1", Map.of(), "version 'v 1'"),
        new Bad("badnames", "v1-", Map.of(), "version 'v1-'"),
        new Bad("badhp", "v1", Map.of("max_depth", "100"), "max_depth must be in [0, 64]"),
        new Bad("badhp", "v2", Map.of("eta", "1.5"), "eta must be in"),
        new Bad("badhp", "v3", Map.of("num_round", "lots"), "num_round must be an integer"),
        new Bad("badhp", "v4", Map.of("objective", "binary:logistic"), "objective must be one of"),
        new Bad("badhp", "v5", Map.of("max_dpeth", "6"), "unknown hyperparameter 'max_dpeth'"));
    for (Bad bad : cases) {
      PipelineRequest request = new PipelineRequest(bad.model(), bad.version(), BenchData.locations(data.good()),
          bad.hp(), REQUESTER, policy());
      assertThatThrownBy(request::validated).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining(bad.expected());
      // A client that skips validation gets the same answer from the workflow, and nothing is created.
      PipelineResult result = run(request);
      assertThat(result.outcome()).isEqualTo(Outcome.FAILED);
      assertThat(result.reason()).startsWith("invalid request").contains(bad.expected());
      assertThat(PlatformInventory.of(stack.platform()).namesMentioning(bad.model(), bad.version())).isEmpty();
      rejected.add("request " + bad.model() + "/" + bad.version() + " " + bad.hp());
    }
  }

  @Test
  void missingAndCorruptDataFilesFailTheRunNamingTheFileAndLine() throws IOException {
    Path missing = dir.resolve("stack/nowhere/train.csv");
    PipelineResult noFile = run(request("baddata", "v1", withTrain(missing)));
    assertThat(noFile.outcome()).isEqualTo(Outcome.FAILED);
    assertThat(noFile.reason()).contains("TRAIN").contains(missing.getFileName().toString());
    rejected.add("missing train file");

    Path corrupt = dir.resolve("stack/corrupt/train.csv");
    Files.createDirectories(corrupt.getParent());
    List<String> lines = new ArrayList<>(Files.readAllLines(data.good().train()).subList(0, 500));
    lines.set(2, "12.5,not-a-number,1,2.0");
    Files.write(corrupt, lines);
    PipelineResult badRows = run(request("baddata", "v2", withTrain(corrupt)));
    assertThat(badRows.outcome()).isEqualTo(Outcome.FAILED);
    assertThat(badRows.reason()).contains(corrupt.getFileName().toString()).contains("3");
    rejected.add("corrupt train file (garbage at line 3)");

    Path ragged = dir.resolve("stack/ragged/train.csv");
    Files.createDirectories(ragged.getParent());
    List<String> short3 = new ArrayList<>(Files.readAllLines(data.good().train()).subList(0, 500));
    short3.set(4, "12.5,3.0");
    Files.write(ragged, short3);
    PipelineResult wrongWidth = run(request("baddata", "v3", withTrain(ragged)));
    assertThat(wrongWidth.outcome()).isEqualTo(Outcome.FAILED);
    assertThat(wrongWidth.reason()).contains(ragged.getFileName().toString()).contains("5");
    rejected.add("train file with a short row at line 5");

    PlatformInventory inventory = PlatformInventory.of(stack.platform());
    for (String v : List.of("v1", "v2", "v3")) {
      ResourceNames names = new ResourceNames("baddata", v);
      assertThat(inventory.items("models")).doesNotContainKey(names.modelName());
      assertThat(inventory.items("endpoints")).doesNotContainKey(names.devEndpoint());
    }
  }

  @Test
  void aRunRefusesBadMessagesAndStillEndsRight() throws Exception {
    // the requester is also an approver, so that four-eyes (not the approver list) has to refuse them
    PipelineRequest request = new PipelineRequest("msgs", "v1", BenchData.locations(data.good()), Map.of(),
        REQUESTER, policy().toBuilder().approvers(List.of(APPROVER, REQUESTER)).build()).validated();
    SafeDeploymentWorkflow wf = PipelineRuns.start(stack.client(), request).workflow();

    // duplicate start: refused by Temporal, the first run goes on
    assertThatThrownBy(() -> PipelineRuns.start(stack.client(), request))
        .isInstanceOf(WorkflowExecutionAlreadyStarted.class);
    rejected.add("duplicate start");

    // a decision before approval is refused and leaves no trace
    assertThatThrownBy(() -> wf.decide(ApprovalDecision.approve(APPROVER, "too early", "test")))
        .hasStackTraceContaining("is not awaiting approval");
    rejected.add("approve at the wrong stage (before approval)");

    // decisions for runs that do not exist
    SafeDeploymentWorkflow ghost = stack.client().newWorkflowStub(SafeDeploymentWorkflow.class,
        PipelineRequest.workflowId("ghost", "v9"));
    assertThatThrownBy(() -> ghost.decide(ApprovalDecision.approve(APPROVER, "?", "test")))
        .hasStackTraceContaining("deploy-ghost-v9");
    rejected.add("approve an unknown run");
    assertThatThrownBy(() -> ghost.decide(ApprovalDecision.reject(APPROVER, "?", "test")))
        .hasStackTraceContaining("deploy-ghost-v9");
    rejected.add("reject an unknown run");

    // malformed alarm signals are recorded and ignored
    WorkflowStub untyped = WorkflowStub.fromTyped(wf);
    untyped.signal(SafeDeploymentWorkflow.ALARM, new AlarmSignal(null, "ALARM", "no name", Instant.now()));
    untyped.signal(SafeDeploymentWorkflow.ALARM, new AlarmSignal("msgs-prod-v1-5xx", "ON_FIRE", "bad state", Instant.now()));
    untyped.signal(SafeDeploymentWorkflow.ALARM, (Object) null);
    PipelineStatus waiting = await(wf, s -> s.stage() == Stage.AWAIT_APPROVAL);
    assertThat(waiting.alarms()).filteredOn(a -> a.action().startsWith("ignored: malformed")).hasSize(3)
        .extracting(AlarmRecord::reason)
        .anySatisfy(r -> assertThat(r).contains("without alarmName"))
        .anySatisfy(r -> assertThat(r).contains("unknown state 'ON_FIRE'"))
        .anySatisfy(r -> assertThat(r).contains("empty alarm signal"));
    rejected.add("alarm signal without a name");
    rejected.add("alarm signal with an unknown state");
    rejected.add("empty alarm signal");

    // four-eyes: the requester cannot approve
    assertThatThrownBy(() -> wf.decide(ApprovalDecision.approve(REQUESTER, "mine", "test")))
        .hasStackTraceContaining("four-eyes");
    rejected.add("requester approving their own run");
    assertThatThrownBy(() -> wf.decide(ApprovalDecision.approve("mallory", "let me", "test")))
        .hasStackTraceContaining("mallory is not an approver");
    rejected.add("approval by someone not on the approver list");
    assertThatThrownBy(() -> wf.decide(ApprovalDecision.approve(" ", "blank", "test")))
        .hasStackTraceContaining("needs an approver");
    rejected.add("decision without an approver");

    // bad invocations against the run's dev endpoint: 400 naming the problem, and the endpoint still serves
    URI invoke = stack.platform().routerUrl().resolve("/endpoints/" + request.names().devEndpoint()
        + "/invocations");
    String goodRow = Files.readAllLines(data.good().test()).get(0);
    goodRow = goodRow.substring(goodRow.indexOf(',') + 1);
    assertThat(post(invoke, "text/csv", "1.0,abc,3.0".getBytes())).satisfies(r -> {
      assertThat(r.statusCode()).isEqualTo(400);
      assertThat(r.body()).contains("abc");
    });
    rejected.add("malformed CSV invocation");
    assertThat(post(invoke, "text/csv", new byte[0]).statusCode()).isEqualTo(400);
    rejected.add("empty invocation");
    assertThat(post(invoke, "application/json", "{\"instances\": [".getBytes()).statusCode()).isEqualTo(400);
    rejected.add("malformed JSON invocation");
    byte[] huge = new byte[7 * 1024 * 1024];
    java.util.Arrays.fill(huge, (byte) '1');
    HttpResponse<String> tooBig = post(invoke, "text/csv", huge);
    assertThat(tooBig.statusCode()).isEqualTo(400);
    rejected.add("oversized invocation (7 MiB)");
    assertThat(post(invoke, "text/csv", goodRow.getBytes()).statusCode()).as("still serves").isEqualTo(200);

    // the right approval goes through, and a second decision is refused
    wf.decide(ApprovalDecision.approve(APPROVER, "fine", "test"));
    assertThatThrownBy(() -> wf.decide(ApprovalDecision.reject(APPROVER, "changed my mind", "test")))
        .hasStackTraceContaining("already decided");
    rejected.add("second decision after approval");
    PipelineResult result = WorkflowStub.fromTyped(wf).getResult(LIMIT.toSeconds(), TimeUnit.SECONDS,
        PipelineResult.class);
    assertThat(result.outcome()).as(result.reason()).isEqualTo(Outcome.PROMOTED);
    assertThatThrownBy(() -> wf.decide(ApprovalDecision.approve(APPROVER, "late", "test")))
        .isInstanceOf(RuntimeException.class);
    rejected.add("approve a finished run");
    PlatformInventory.of(stack.platform()).assertExactlyOnce(request.names(), true);
  }

  @Test
  void aModelArtifactThatDoesNotLoadFailsTheEndpointNotThePlatform() throws IOException {
    Path artifact = dir.resolve("stack/garbage/model.tar.gz");
    Files.createDirectories(artifact.getParent());
    Files.write(artifact, "this is not a gzip tarball".getBytes());
    stack.platform().createModel(new ModelRecord("garbage-v1", artifact.toString(), "garbage", "v1", 1.0, null));
    Endpoint e = stack.platform().createEndpoint(new Endpoint("garbage-dev-v1", "garbage",
        List.of(new Variant("v1", "garbage-v1", 1, 1, null, null, null)), null, null, null, null, null)).resource();
    assertThat(e.status()).isEqualTo("Failed");
    assertThat(e.failureReason()).contains("v1");
    HttpResponse<String> r = post(stack.platform().routerUrl().resolve("/endpoints/garbage-dev-v1/invocations"),
        "text/csv", "1,2,3".getBytes());
    assertThat(r.statusCode()).isEqualTo(404);
    rejected.add("model artifact that does not load");
    // nothing half-started is left serving, and a missing artifact is refused outright
    assertThatThrownBy(() -> stack.platform().createModel(new ModelRecord("garbage-v2",
        dir.resolve("stack/nope/model.tar.gz").toString(), "garbage", "v2", 1.0, null)))
        .isInstanceOf(PlatformException.class).hasMessageContaining("does not exist");
    rejected.add("model artifact that does not exist");
  }

  // ---- helpers ----

  private static DeploymentPolicy policy() {
    return DeploymentPolicy.builder().bake(Duration.ofSeconds(1)).finalBake(Duration.ZERO)
        .alarmPollInterval(Duration.ofSeconds(1)).approvers(List.of(APPROVER)).watchWindow(Duration.ZERO).build();
  }

  private static PipelineRequest request(String model, String version, DataLocations locations) {
    return new PipelineRequest(model, version, locations, Map.of(), REQUESTER, policy()).validated();
  }

  private static DataLocations withTrain(Path train) {
    DataLocations good = BenchData.locations(data.good());
    return new DataLocations(train.toUri().toString(), good.validation(), good.test(), good.baseline());
  }

  private static PipelineResult run(PipelineRequest request) {
    SafeDeploymentWorkflow wf = PipelineRuns.start(stack.client(), request).workflow();
    try {
      return WorkflowStub.fromTyped(wf).getResult(LIMIT.toSeconds(), TimeUnit.SECONDS, PipelineResult.class);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new AssertionError(request.workflowId() + " did not finish within " + LIMIT, e);
    }
  }

  private static PipelineStatus await(SafeDeploymentWorkflow wf, Predicate<PipelineStatus> when) {
    long deadline = System.nanoTime() + LIMIT.toNanos();
    PipelineStatus last = null;
    while (System.nanoTime() < deadline) {
      last = wf.status();
      if (when.test(last)) {
        return last;
      }
      if (last.stage() == Stage.DONE) {
        throw new AssertionError("the run ended before the condition held: " + last.outcome() + " "
            + last.reason());
      }
      WorkerProcess.sleep(50);
    }
    throw new AssertionError("condition not reached within " + LIMIT + "; last status " + last);
  }

  private HttpResponse<String> post(URI uri, String type, byte[] body) {
    try {
      return http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).header("Content-Type", type)
          .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new AssertionError("POST " + uri + " failed: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }
}
