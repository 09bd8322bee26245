package dev.safedeploy.starter.runs;

import dev.safedeploy.workflows.pipeline.PipelineStatus;
import java.time.Instant;

/**
 * One run as {@code status} shows it.
 *
 * @param executionStatus Temporal's view: RUNNING, COMPLETED, FAILED, CANCELED, TERMINATED, TIMED_OUT...
 * @param source where {@code status} came from: "query" (live), "result" (closed run, from its result) or
 *     "search-attributes" (no worker answered the query; stage only)
 */
public record RunView(
    String workflowId,
    String runId,
    String executionStatus,
    Instant startTime,
    Instant closeTime,
    String summary,
    String source,
    PipelineStatus status) {

  public boolean closed() {
    return !"RUNNING".equals(executionStatus);
  }
}
