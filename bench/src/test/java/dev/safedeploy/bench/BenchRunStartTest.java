package dev.safedeploy.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.safedeploy.workflows.pipeline.SafeDeploymentWorkflow;
import dev.safedeploy.workflows.pipeline.SearchAttributes;
import dev.safedeploy.workflows.testing.PipelineHarness;
import io.temporal.client.WorkflowExecutionDescription;
import io.temporal.client.WorkflowStub;
import io.temporal.testing.TestWorkflowEnvironment;
import org.junit.jupiter.api.Test;

/** The benches start their runs the one way, so a bench's runs are filterable like any other. */
class BenchRunStartTest {

  @Test
  void aBenchRunCarriesSearchAttributesAndSummary() {
    try (TestWorkflowEnvironment env = TestWorkflowEnvironment.newInstance()) {
      PipelineHarness.registerSearchAttributes(env);

      SafeDeploymentWorkflow wf = EmbeddedPipeline.start(env.getWorkflowClient(),
          BenchRequests.instant("conc-0001", "v1", BenchRequests.zeroBakes()));

      WorkflowExecutionDescription d = WorkflowStub.fromTyped(wf).describe();
      assertThat(d.getExecution().getWorkflowId()).isEqualTo("deploy-conc-0001-v1");
      assertThat(d.getTypedSearchAttributes().get(SearchAttributes.MODEL)).isEqualTo("conc-0001");
      assertThat(d.getTypedSearchAttributes().get(SearchAttributes.VERSION)).isEqualTo("v1");
      assertThat(d.getStaticSummary()).isEqualTo("conc-0001 v1: CANARY 10% > 100%, requested by "
          + BenchRequests.REQUESTER);
    }
  }
}
