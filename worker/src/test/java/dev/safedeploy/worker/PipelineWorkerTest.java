package dev.safedeploy.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PipelineWorkerTest {

  @Test
  void theWorkflowCacheIsTheSdkDefaultUnlessConfigured() {
    assertThat(PipelineWorker.workflowCache(null)).isEqualTo(600);
    assertThat(PipelineWorker.workflowCache(" ")).isEqualTo(600);
    assertThat(PipelineWorker.workflowCache("2000")).isEqualTo(2000);
    assertThatThrownBy(() -> PipelineWorker.workflowCache("0")).hasMessageContaining("SAFEDEPLOY_WORKFLOW_CACHE");
    assertThatThrownBy(() -> PipelineWorker.workflowCache("lots")).hasMessageContaining("'lots'");
  }
}
