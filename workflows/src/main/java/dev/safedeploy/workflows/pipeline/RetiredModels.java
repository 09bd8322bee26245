package dev.safedeploy.workflows.pipeline;

import dev.safedeploy.workflows.activities.EndpointActivities;
import dev.safedeploy.workflows.activities.EndpointActivities.ModelDeletion;
import dev.safedeploy.workflows.activities.EndpointActivities.ModelRef;
import dev.safedeploy.workflows.pipeline.journal.StatusJournal;
import io.temporal.workflow.Workflow;

/**
 * The registered model of a version that no rollback can bring back any more: green's once a rollback took it off
 * production after its promotion (its dev endpoint went at the promotion), blue's once the watch window is over and the
 * promotion stands. Before a promotion the dev endpoint's removal takes its model (the backend's doing). Runs recorded
 * before version retire-models 1 left both models to {@code safedeploy teardown}.
 */
public final class RetiredModels {

  static final String CHANGE = "retire-models";

  private RetiredModels() {}

  /** Whether this run deletes the models it retires (false on replay of a run recorded before). */
  public static boolean enabled() {
    return Workflow.getVersion(CHANGE, Workflow.DEFAULT_VERSION, 1) >= 1;
  }

  /**
   * Deletes the model unless an endpoint still serves it (the backend checks); a failure is only noted, teardown finds
   * what is left.
   */
  public static void delete(StatusJournal journal, EndpointActivities endpoints, ModelRef model, String why) {
    journal.quietly(() -> {
      ModelDeletion d = endpoints.deleteModel(model);
      journal.event(d.gone() ? "model " + model.modelName() + " deleted: " + why
          : "model " + model.modelName() + " kept: " + d.keptFor() + " still serves it");
    }, "delete model " + model.modelName());
  }
}
