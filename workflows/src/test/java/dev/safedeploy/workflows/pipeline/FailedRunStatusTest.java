package dev.safedeploy.workflows.pipeline;

import static dev.safedeploy.workflows.testing.PipelineHarness.request;
import static org.assertj.core.api.Assertions.assertThat;

import dev.safedeploy.workflows.testing.FakeBackend;
import dev.safedeploy.workflows.testing.PipelineHarness;
import io.temporal.client.WorkflowStub;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Status never lies about a failed run: it ends with an outcome (not a failed execution), says in which stage it
 * failed and why, and shows production's weights as the backend reported them, also when the run failed before it
 * moved any traffic.
 */
@Timeout(60)
class FailedRunStatusTest {

  private static final String PROD = "nyctaxi-prod";
  private PipelineHarness harness;

  @AfterEach
  void tearDown() {
    if (harness != null) {
      harness.close();
    }
  }

  private SafeDeploymentWorkflow approvedRun(FakeBackend backend) {
    harness = new PipelineHarness(backend);
    SafeDeploymentWorkflow wf = harness.start(request("v2", DeploymentPolicy.builder().watchWindow(Duration.ZERO)
        .build()));
    harness.awaitStage(wf, Stage.AWAIT_APPROVAL);
    wf.decide(ApprovalDecision.approve("bob", "ok", "cli"));
    return wf;
  }

  private static PipelineResult result(SafeDeploymentWorkflow wf) {
    try {
      return WorkflowStub.fromTyped(wf).getResult(30, TimeUnit.SECONDS, PipelineResult.class);
    } catch (TimeoutException e) {
      throw new AssertionError("no result; status: " + wf.status(), e);
    }
  }

  private static List<Stage> lastStages(PipelineStatus status, int n) {
    List<Stage> all = status.stages().stream().map(StageRecord::stage).toList();
    return all.subList(all.size() - n, all.size());
  }

  @Test
  void failedBeforeItsFirstShiftShowsTheStageTheCauseAndProductionAsTheBackendReportsIt() {
    FakeBackend backend = new FakeBackend().withLive("nyctaxi", "v1", 5.0).failingPermanently("watchAlarms", 100);
    SafeDeploymentWorkflow wf = approvedRun(backend);
    PipelineResult result = result(wf);

    assertThat(result.outcome()).isEqualTo(Outcome.FAILED);
    assertThat(result.reason()).startsWith("DEPLOY_PROD failed: ")
        .contains("injected permanent failure of watchAlarms");
    PipelineStatus status = wf.status();
    assertThat(status.outcome()).isEqualTo(Outcome.FAILED);
    assertThat(status.reason()).isEqualTo(result.reason());
    assertThat(lastStages(status, 3)).containsExactly(Stage.DEPLOY_PROD, Stage.ROLLBACK, Stage.DONE);
    assertThat(status.stages().get(status.stages().size() - 1).note()).isEqualTo("FAILED: " + result.reason());
    // Not an empty map: production serves blue alone, as the backend said when the canary began.
    assertThat(backend.weights(PROD)).containsExactly(Map.entry("v1", 100));
    assertThat(status.traffic()).isEqualTo(backend.weights(PROD));
    assertThat(result.traffic()).isEqualTo(backend.weights(PROD));
  }

  @Test
  void failedMidCanaryShowsTheWeightsTheBackendReportsAfterTheRollback() {
    FakeBackend backend = new FakeBackend().withLive("nyctaxi", "v1", 5.0).failingPermanently("postTraffic", 100);
    SafeDeploymentWorkflow wf = approvedRun(backend);
    PipelineResult result = result(wf);

    assertThat(result.outcome()).isEqualTo(Outcome.FAILED);
    assertThat(result.reason()).startsWith("DEPLOY_PROD failed: ")
        .contains("injected permanent failure of postTraffic");
    PipelineStatus status = wf.status();
    assertThat(lastStages(status, 3)).containsExactly(Stage.DEPLOY_PROD, Stage.ROLLBACK, Stage.DONE);
    // green had 100% when the hook failed; the rollback put blue back and removed green
    assertThat(backend.calls).contains("shiftTraffic nyctaxi-prod {v1=0, v2=100}", "removeVariant nyctaxi-prod v2");
    assertThat(status.traffic()).isEqualTo(backend.weights(PROD)).containsExactly(Map.entry("v1", 100));
    assertThat(result.liveVersion()).isEqualTo("v1");
  }
}
