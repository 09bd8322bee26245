package dev.safedeploy.starter.runs;

import dev.safedeploy.workflows.pipeline.Outcome;
import dev.safedeploy.workflows.pipeline.SafeDeploymentWorkflow;
import dev.safedeploy.workflows.pipeline.SearchAttributes;
import dev.safedeploy.workflows.pipeline.Stage;

/** Which runs {@code list} shows; null fields match everything. */
public record RunFilter(String model, Stage stage, Outcome outcome) {

  public static final String WORKFLOW_TYPE = SafeDeploymentWorkflow.class.getSimpleName();

  public RunFilter {
    if (model != null && !model.matches("[a-z0-9-]{1,63}")) {
      throw new IllegalArgumentException("model '" + model + "' is not a model name");
    }
  }

  /** The visibility query a real Temporal server evaluates (needs the search attributes registered). */
  public String visibilityQuery() {
    StringBuilder q = new StringBuilder("WorkflowType = '" + WORKFLOW_TYPE + "'");
    if (model != null) {
      q.append(" AND ").append(SearchAttributes.MODEL.getName()).append(" = '").append(model).append('\'');
    }
    if (stage != null) {
      q.append(" AND ").append(SearchAttributes.STAGE.getName()).append(" = '").append(stage).append('\'');
    }
    if (outcome != null) {
      q.append(" AND ").append(SearchAttributes.OUTCOME.getName()).append(" = '").append(outcome).append('\'');
    }
    // No ORDER BY: SQL visibility stores refuse custom ordering; list() sorts newest first itself.
    return q.toString();
  }

  public boolean matches(RunSummary run) {
    return (model == null || model.equals(run.model()))
        && (stage == null || stage.name().equals(run.stage()))
        && (outcome == null || outcome.name().equals(run.outcome()));
  }
}
