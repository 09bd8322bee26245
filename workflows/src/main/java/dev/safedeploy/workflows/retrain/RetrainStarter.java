package dev.safedeploy.workflows.retrain;

import dev.safedeploy.workflows.pipeline.AlarmSignal;
import dev.safedeploy.workflows.pipeline.PipelineRequest;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.ParentClosePolicy;
import io.temporal.client.BatchRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.workflow.ChildWorkflowOptions;

/**
 * How clients (CLI, alarm evaluator, alarm bridge) reach a model's retrain workflow: signal-with-start, so the first
 * trigger for a model creates its entity and later ones find it.
 */
public final class RetrainStarter {

  private RetrainStarter() {}

  /** IllegalArgumentException for a name that is not a model name, before anything is started. */
  public static WorkflowOptions options(String model) {
    if (!PipelineRequest.isValidModelName(model)) {
      throw new IllegalArgumentException("'" + model + "' is not a model name (lowercase letters, digits and inner "
          + "hyphens, at most " + PipelineRequest.MAX_MODEL_LENGTH + " characters)");
    }
    return WorkflowOptions.newBuilder()
        .setWorkflowId(RetrainWorkflow.workflowId(model))
        .setTaskQueue(RetrainWorkflow.TASK_QUEUE)
        .setStaticSummary(summary(model))
        .build();
  }

  /** The entity as a schedule's workflow starts it: abandoned, so it outlives the short schedule run. */
  public static ChildWorkflowOptions childOptions(String model) {
    return ChildWorkflowOptions.newBuilder()
        .setWorkflowId(RetrainWorkflow.workflowId(model))
        .setTaskQueue(RetrainWorkflow.TASK_QUEUE)
        .setParentClosePolicy(ParentClosePolicy.PARENT_CLOSE_POLICY_ABANDON)
        .setStaticSummary(summary(model))
        .build();
  }

  static String summary(String model) {
    return "retraining of " + model;
  }

  public static WorkflowExecution trigger(WorkflowClient client, String model, RetrainTrigger trigger) {
    RetrainWorkflow wf = client.newWorkflowStub(RetrainWorkflow.class, options(model));
    BatchRequest batch = client.newSignalWithStartRequest();
    batch.add(wf::run, RetrainInput.fresh(model));
    batch.add(wf::trigger, trigger);
    return client.signalWithStart(batch);
  }

  public static WorkflowExecution alarm(WorkflowClient client, String model, AlarmSignal alarm) {
    RetrainWorkflow wf = client.newWorkflowStub(RetrainWorkflow.class, options(model));
    BatchRequest batch = client.newSignalWithStartRequest();
    batch.add(wf::run, RetrainInput.fresh(model));
    batch.add(wf::alarm, alarm);
    return client.signalWithStart(batch);
  }

  public static WorkflowExecution configure(WorkflowClient client, String model, RetrainPolicy policy) {
    RetrainWorkflow wf = client.newWorkflowStub(RetrainWorkflow.class, options(model));
    BatchRequest batch = client.newSignalWithStartRequest();
    batch.add(wf::run, RetrainInput.fresh(model));
    batch.add(wf::configure, policy);
    return client.signalWithStart(batch);
  }
}
