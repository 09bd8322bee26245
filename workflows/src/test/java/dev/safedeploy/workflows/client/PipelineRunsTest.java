package dev.safedeploy.workflows.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.safedeploy.workflows.pipeline.DataLocations;
import dev.safedeploy.workflows.pipeline.DeploymentPolicy;
import dev.safedeploy.workflows.pipeline.PipelineRequest;
import dev.safedeploy.workflows.pipeline.RetrainCause;
import dev.safedeploy.workflows.pipeline.SearchAttributes;
import dev.safedeploy.workflows.pipeline.Strategy;
import dev.safedeploy.workflows.testing.FakeBackend;
import dev.safedeploy.workflows.testing.PipelineHarness;
import io.temporal.client.WorkflowExecutionAlreadyStarted;
import io.temporal.client.WorkflowExecutionDescription;
import io.temporal.client.WorkflowStub;
import io.temporal.testing.TestWorkflowEnvironment;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PipelineRunsTest {

  @Test
  void aStartedRunCarriesItsSearchAttributesSummaryAndDetails() {
    try (PipelineHarness harness = new PipelineHarness(new FakeBackend())) {
      PipelineRequest request = PipelineHarness.request("v1",
          DeploymentPolicy.builder().strategy(Strategy.CANARY).canaryPercent(10).build());
      PipelineRuns.Started started = PipelineRuns.start(harness.client, request);

      assertThat(started.execution().getWorkflowId()).isEqualTo("deploy-nyctaxi-v1");
      WorkflowExecutionDescription d = WorkflowStub.fromTyped(started.workflow()).describe();
      assertThat(d.getExecution().getRunId()).isEqualTo(started.execution().getRunId());
      assertThat(d.getTypedSearchAttributes().get(SearchAttributes.MODEL)).isEqualTo("nyctaxi");
      assertThat(d.getTypedSearchAttributes().get(SearchAttributes.VERSION)).isEqualTo("v1");
      assertThat(d.getStaticSummary()).isEqualTo("nyctaxi v1: CANARY 10% > 100%, requested by alice");
      assertThat(d.getStaticDetails()).contains("**Requested by** alice", "- train: file:///data/train.csv",
          "**Policy** CANARY");
    }
  }

  @Test
  void aVersionDeploysOnce() {
    try (PipelineHarness harness = new PipelineHarness(new FakeBackend())) {
      PipelineRequest request = PipelineHarness.request("v1", null);
      PipelineRuns.Started first = PipelineRuns.start(harness.client, request);
      // while it runs
      assertThatThrownBy(() -> PipelineRuns.start(harness.client, request))
          .isInstanceOf(WorkflowExecutionAlreadyStarted.class);
      // and after it ended (REJECT_DUPLICATE)
      WorkflowStub.fromTyped(first.workflow()).terminate("test");
      assertThatThrownBy(() -> PipelineRuns.start(harness.client, request))
          .isInstanceOf(WorkflowExecutionAlreadyStarted.class);
    }
  }

  @Test
  void aRetrainsSummaryNamesItsCauseAndIsCut() {
    DataLocations data = new DataLocations("file:///t", "file:///v", "file:///s", "file:///b");
    RetrainCause cause = new RetrainCause("ALARM", "nyctaxi-prod-drift", 0.44, null, null, "bridge", null,
        "drift alarm nyctaxi-prod-drift at 0.44");
    PipelineRequest retrain = new PipelineRequest("nyctaxi", "v3", data, Map.of(), "alarm:x", null, cause);
    assertThat(PipelineRuns.summary(retrain)).isEqualTo("retrain nyctaxi v3: drift alarm nyctaxi-prod-drift at 0.44");

    RetrainCause wordy = new RetrainCause("MANUAL", null, null, "x".repeat(500), null, "bob", null,
        "manual retrain by bob: " + "x".repeat(500));
    String cut = PipelineRuns.summary(new PipelineRequest("nyctaxi", "v3", data, Map.of(), "bob", null, wordy));
    assertThat(cut).hasSize(PipelineRuns.MAX_SUMMARY).endsWith("…");
  }

  @Test
  void theRunsRequestIsReadFromItsHistory() {
    try (TestWorkflowEnvironment env = TestWorkflowEnvironment.newInstance()) {
      PipelineHarness.registerSearchAttributes(env);
      PipelineRequest request = new PipelineRequest("taxi", "v1", new DataLocations("file:///d/train.csv",
          "file:///d/validation.csv", "file:///d/test.csv", "file:///d/baseline.csv"), Map.of("max_depth", "7"),
          "alice", DeploymentPolicy.defaults());
      // no worker: the run's first event holds its input all the same
      PipelineRuns.start(env.getWorkflowClient(), "nobody", request);
      assertThat(PipelineRuns.request(env.getWorkflowClient(), request.workflowId())).contains(request);
      assertThat(PipelineRuns.request(env.getWorkflowClient(), "deploy-taxi-v9")).isEmpty();
    }
  }
}
