package dev.safedeploy.workflows.activities;

import io.temporal.activity.ActivityInterface;
import java.util.List;

/** BUILD: render and validate the infrastructure templates this run will use. */
@ActivityInterface
public interface TemplateActivities {

  /** @param strategy the run's traffic strategy, which decides whether the CodeDeploy/API stack is needed */
  record BuildRequest(String model, String version, String strategy) {}

  /** @param templates names of the templates validated; @param warnings anything worth showing the operator */
  record BuildResult(List<String> templates, List<String> warnings) {}

  BuildResult buildTemplates(BuildRequest request);
}
