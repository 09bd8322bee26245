package dev.safedeploy.worker.metrics;

import dev.safedeploy.workflows.client.PipelineRuns;
import static org.assertj.core.api.Assertions.assertThat;

import dev.safedeploy.worker.PipelineWorker;
import dev.safedeploy.worker.config.WorkerConfig;
import dev.safedeploy.worker.temporal.EmbeddedTemporalServer;
import dev.safedeploy.workflows.client.TemporalConnection;
import dev.safedeploy.workflows.pipeline.ApprovalDecision;
import dev.safedeploy.workflows.pipeline.DataLocations;
import dev.safedeploy.workflows.pipeline.DeploymentPolicy;
import dev.safedeploy.workflows.pipeline.Outcome;
import dev.safedeploy.workflows.pipeline.PipelineRequest;
import dev.safedeploy.workflows.pipeline.PipelineResult;
import dev.safedeploy.workflows.pipeline.SafeDeploymentWorkflow;
import dev.safedeploy.workflows.pipeline.Stage;
import dev.safedeploy.workflows.testing.FakeBackend;
import io.temporal.client.WorkflowStub;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The worker's Prometheus registry carries the pipeline's own metrics next to the Temporal SDK's. */
class PipelineMetricsTest {

  @Test
  @Timeout(120)
  void pipelinesByOutcomeStageDurationsAndApprovalWaitAreExported() throws Exception {
    FakeBackend backend = new FakeBackend().withLive("nyctaxi", "v1", 5.0);
    backend.alarmsInAlarm.add("nyctaxi-prod-v2-5xx");
    try (EmbeddedTemporalServer server = EmbeddedTemporalServer.start(0);
        PrometheusMetrics metrics = PrometheusMetrics.start(0);
        TemporalConnection connection = WorkerConfig.fromEnv(Map.of()).withTemporalAddress(server.address())
            .connect(metrics.scope());
        PipelineWorker worker = PipelineWorker.start(connection.client(), List.of(backend))) {
      DeploymentPolicy policy = DeploymentPolicy.builder().bake(Duration.ofSeconds(1))
          .finalBake(Duration.ofSeconds(1)).alarmPollInterval(Duration.ofMillis(200)).watchWindow(Duration.ZERO)
          .build();
      PipelineRequest request = new PipelineRequest("nyctaxi", "v2", new DataLocations("file:/t", "file:/v",
          "file:/s", "file:/b"), null, "alice", policy);
      SafeDeploymentWorkflow wf = PipelineRuns.start(connection.client(), request).workflow();
      while (wf.status().stage() != Stage.AWAIT_APPROVAL) {
        Thread.sleep(50);
      }
      wf.decide(ApprovalDecision.approve("bob", null, "test"));
      PipelineResult result = WorkflowStub.fromTyped(wf).getResult(PipelineResult.class);
      assertThat(result.outcome()).isEqualTo(Outcome.ROLLED_BACK);

      Thread.sleep(2500); // the tally scope reports every second
      String scrape = metrics.scrape();
      assertThat(scrape).containsPattern("safedeploy_pipelines_total\\{.*outcome=\"ROLLED_BACK\".*} 1.0");
      assertThat(scrape).containsPattern("safedeploy_rollbacks_total\\{.*} 1.0");
      assertThat(scrape).contains("safedeploy_stage_duration_seconds_count{").contains("stage=\"TRAIN\"");
      assertThat(scrape).contains("safedeploy_approval_wait_seconds_count");
      assertThat(scrape).contains("temporal_workflow_completed_total");
    }
  }
}
