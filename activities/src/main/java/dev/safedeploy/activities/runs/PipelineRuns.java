package dev.safedeploy.activities.runs;

import dev.safedeploy.workflows.pipeline.PipelineRequest;
import io.temporal.activity.Activity;
import io.temporal.api.common.v1.Payloads;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowClient;
import io.temporal.common.WorkflowExecutionHistory;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The request a past pipeline run was started with, read from its history's first event through the client of the
 * worker running the calling activity: what a retrain copies (data, hyperparameters, deployment policy) from the run
 * that put the live version in production.
 */
public final class PipelineRuns {
  private static final Logger log = LoggerFactory.getLogger(PipelineRuns.class);

  private PipelineRuns() {}

  /** The run's request; empty when the run is unknown to the server (history expired, another namespace) or unreadable. */
  public static Optional<PipelineRequest> request(String model, String version) {
    WorkflowClient client;
    try {
      client = Activity.getExecutionContext().getWorkflowClient();
    } catch (RuntimeException e) {
      return Optional.empty(); // not in an activity with a client (a unit test's activity environment)
    }
    return request(client, PipelineRequest.workflowId(model, version));
  }

  public static Optional<PipelineRequest> request(WorkflowClient client, String workflowId) {
    try {
      WorkflowExecutionHistory history = client.fetchHistory(workflowId);
      List<HistoryEvent> events = history.getEvents();
      if (events.isEmpty() || !events.get(0).hasWorkflowExecutionStartedEventAttributes()) {
        return Optional.empty();
      }
      Payloads input = events.get(0).getWorkflowExecutionStartedEventAttributes().getInput();
      PipelineRequest r = client.getOptions().getDataConverter()
          .fromPayloads(0, Optional.of(input), PipelineRequest.class, PipelineRequest.class);
      return Optional.ofNullable(r);
    } catch (RuntimeException e) {
      log.info("run {} not readable ({}); falling back to the platform's records", workflowId, e.toString());
      return Optional.empty();
    }
  }
}
