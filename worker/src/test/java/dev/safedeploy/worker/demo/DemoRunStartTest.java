package dev.safedeploy.worker.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.safedeploy.platform.data.PreparedData;
import dev.safedeploy.workflows.client.PipelineRuns;
import dev.safedeploy.workflows.pipeline.SearchAttributes;
import dev.safedeploy.workflows.testing.PipelineHarness;
import dev.safedeploy.worker.temporal.TemporalServers;
import io.temporal.client.WorkflowExecutionDescription;
import io.temporal.client.WorkflowStub;
import io.temporal.testing.TestWorkflowEnvironment;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The demo starts its runs the one way: the Web UI can filter them and shows what they deploy. */
class DemoRunStartTest {

  @Test
  void theDemosRunCarriesSearchAttributesAndSummary() {
    try (TestWorkflowEnvironment env = TestWorkflowEnvironment.newInstance()) {
      PipelineHarness.registerSearchAttributes(env);
      Path dir = Path.of("/demo/data/v2");
      PreparedData data = new PreparedData(dir.resolve("train.csv"), dir.resolve("validation.csv"),
          dir.resolve("test.csv"), dir.resolve("baseline.csv"), List.of("trip_distance"), 10, 10, 6, 2, 2);
      Demo.Options options = new Demo.Options(Path.of("/demo"), 10, false, TemporalServers.Mode.AUTO, 0, 0,
          Duration.ofSeconds(5), Duration.ofSeconds(5), 1, false);

      PipelineRuns.Started started = Demo.start(env.getWorkflowClient(), options, "v2", data);

      WorkflowExecutionDescription d = WorkflowStub.fromTyped(started.workflow()).describe();
      assertThat(d.getExecution().getWorkflowId()).isEqualTo("deploy-nyctaxi-v2");
      assertThat(d.getTypedSearchAttributes().get(SearchAttributes.MODEL)).isEqualTo("nyctaxi");
      assertThat(d.getTypedSearchAttributes().get(SearchAttributes.VERSION)).isEqualTo("v2");
      assertThat(d.getStaticSummary())
          .isEqualTo("nyctaxi v2: CANARY 10% > 100%, requested by " + Demo.REQUESTER);
      assertThat(d.getStaticDetails()).contains("(four-eyes)", "- train: file:///demo/data/v2/train.csv");
    }
  }
}
