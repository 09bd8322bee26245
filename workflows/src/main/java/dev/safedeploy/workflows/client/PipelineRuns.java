package dev.safedeploy.workflows.client;

import dev.safedeploy.workflows.pipeline.DeploymentPolicy;
import dev.safedeploy.workflows.pipeline.DurationText;
import dev.safedeploy.workflows.pipeline.PipelineRequest;
import dev.safedeploy.workflows.pipeline.RetrainCause;
import dev.safedeploy.workflows.pipeline.SafeDeploymentWorkflow;
import dev.safedeploy.workflows.pipeline.SearchAttributes;
import io.temporal.api.common.v1.Payloads;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.ParentClosePolicy;
import io.temporal.api.enums.v1.WorkflowIdReusePolicy;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.workflow.ChildWorkflowOptions;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one way a pipeline run starts, from a client (CLI, demo, benches, tests) or as a retrain's child: workflow id
 * {@code deploy-<model>-<version>}, REJECT_DUPLICATE (a version deploys once), the model and version search
 * attributes (so the Web UI and {@code safedeploy list} can filter) and a static summary and details. The options
 * are pure functions of the request, so the retrain workflow builds its child's from them. {@link #request} reads a
 * past run's request back from its history.
 */
public final class PipelineRuns {

  /** A version deploys once: a closed run's id is not reused, and a running one is not started twice. */
  public static final WorkflowIdReusePolicy ID_REUSE = WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE;
  static final int MAX_SUMMARY = 200;
  private static final Logger log = LoggerFactory.getLogger(PipelineRuns.class);

  /** A started run: its typed stub (signals, updates, queries, result) and its execution (run id). */
  public record Started(SafeDeploymentWorkflow workflow, WorkflowExecution execution) {}

  private PipelineRuns() {}

  /**
   * Starts {@code request} on {@link SafeDeploymentWorkflow#TASK_QUEUE}.
   *
   * @throws io.temporal.client.WorkflowExecutionAlreadyStarted when the version already had a run
   */
  public static Started start(WorkflowClient client, PipelineRequest request) {
    return start(client, SafeDeploymentWorkflow.TASK_QUEUE, request);
  }

  /** Starts {@code request} on {@code taskQueue} (benches and tests run their own workers). */
  public static Started start(WorkflowClient client, String taskQueue, PipelineRequest request) {
    SafeDeploymentWorkflow workflow = client.newWorkflowStub(SafeDeploymentWorkflow.class, options(taskQueue, request));
    WorkflowExecution execution = WorkflowClient.start(workflow::run, request);
    return new Started(workflow, execution);
  }

  public static WorkflowOptions options(String taskQueue, PipelineRequest request) {
    return WorkflowOptions.newBuilder()
        .setWorkflowId(request.workflowId())
        .setTaskQueue(taskQueue)
        .setWorkflowIdReusePolicy(ID_REUSE)
        .setTypedSearchAttributes(searchAttributes(request))
        .setStaticSummary(summary(request))
        .setStaticDetails(details(request))
        .build();
  }

  /**
   * The same run started by a workflow (the retrain entity), abandoned so it outlives its parent's continue-as-new,
   * termination or reset; {@code details} is what the parent knows beyond the request (the live model, the data).
   */
  public static ChildWorkflowOptions childOptions(String taskQueue, PipelineRequest request, String details) {
    return ChildWorkflowOptions.newBuilder()
        .setWorkflowId(request.workflowId())
        .setTaskQueue(taskQueue)
        .setParentClosePolicy(ParentClosePolicy.PARENT_CLOSE_POLICY_ABANDON)
        .setWorkflowIdReusePolicy(ID_REUSE)
        .setTypedSearchAttributes(searchAttributes(request))
        .setStaticSummary(summary(request))
        .setStaticDetails(details)
        .build();
  }

  /**
   * The request a run was started with, from its history's first event: what a retrain copies (data, hyperparameters,
   * policy) from the run that put the live version in production. Empty when the server does not know the run
   * (history expired, another namespace) or its input is unreadable.
   */
  public static Optional<PipelineRequest> request(WorkflowClient client, String workflowId) {
    try {
      List<HistoryEvent> events = client.fetchHistory(workflowId).getEvents();
      if (events.isEmpty() || !events.get(0).hasWorkflowExecutionStartedEventAttributes()) {
        return Optional.empty();
      }
      Payloads input = events.get(0).getWorkflowExecutionStartedEventAttributes().getInput();
      return Optional.ofNullable(client.getOptions().getDataConverter()
          .fromPayloads(0, Optional.of(input), PipelineRequest.class, PipelineRequest.class));
    } catch (RuntimeException e) {
      log.info("run {} not readable ({})", workflowId, e.toString());
      return Optional.empty();
    }
  }

  /** Model and version at start; the run itself upserts stage and outcome as it goes. */
  public static io.temporal.common.SearchAttributes searchAttributes(PipelineRequest request) {
    return io.temporal.common.SearchAttributes.newBuilder()
        .set(SearchAttributes.MODEL, request.model())
        .set(SearchAttributes.VERSION, request.version())
        .build();
  }

  /** One line for the Web UI's run list: what deploys how, or which cause a retrain answers. */
  public static String summary(PipelineRequest r) {
    RetrainCause cause = r.retrainCause();
    String s;
    if (cause != null) {
      s = "retrain " + r.model() + " " + r.version() + ": " + cause.description();
    } else {
      DeploymentPolicy p = r.policy();
      s = r.model() + " " + r.version() + ": " + p.strategy() + " "
          + p.trafficSteps().stream().map(step -> step + "%").collect(Collectors.joining(" > "))
          + ", requested by " + r.requestedBy();
    }
    return s.length() <= MAX_SUMMARY ? s : s.substring(0, MAX_SUMMARY - 1) + "…";
  }

  /** Markdown for the Web UI's run page: data, hyperparameters and the policy that governs the run. */
  public static String details(PipelineRequest r) {
    DeploymentPolicy p = r.policy();
    StringBuilder b = new StringBuilder();
    b.append("**Model** `").append(r.model()).append("` **version** `").append(r.version()).append("`\n\n");
    b.append("**Requested by** ").append(r.requestedBy()).append("\n\n");
    b.append("**Data**\n");
    if (r.data() == null) {
      b.append("- none given (the run refuses the request)\n\n");
    } else {
      b.append("- train: ").append(r.data().train()).append('\n');
      b.append("- validation: ").append(r.data().validation()).append('\n');
      b.append("- test: ").append(r.data().test()).append('\n');
      b.append("- baseline: ").append(r.data().baseline()).append("\n\n");
    }
    b.append("**Hyperparameters** ").append(r.hyperparameters().entrySet().stream()
        .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(", "))).append("\n\n");
    b.append("**Policy** ").append(p.strategy()).append(", traffic steps ").append(p.trafficSteps())
        .append(", bake ").append(DurationText.format(p.stepBake()))
        .append(", final bake ").append(DurationText.format(p.finalBake()))
        .append(", approvers ").append(p.approvers().isEmpty() ? "anyone" : String.join(", ", p.approvers()))
        .append(p.fourEyes() ? " (four-eyes)" : "")
        .append(", approval timeout ").append(DurationText.format(p.approvalTimeout()))
        .append(", RMSE < ").append(p.rmseThreshold()).append(" (tolerance ").append(p.rmseTolerance())
        .append(")").append(", alarms ").append(p.alarmNames().isEmpty() ? "backend default" : p.alarmNames())
        .append('\n');
    return b.toString();
  }
}
