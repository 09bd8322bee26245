package dev.safedeploy.activities.local.activities;

import dev.safedeploy.activities.local.templates.CfnYaml;
import dev.safedeploy.activities.local.templates.TemplateCatalog;
import dev.safedeploy.activities.local.templates.TemplateChecks;
import dev.safedeploy.workflows.activities.Failures;
import dev.safedeploy.workflows.activities.TemplateActivities;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * BUILD on the local backend: parses every CloudFormation template shipped on the classpath (short-form intrinsics
 * included) and checks its structure. Nothing is deployed locally; the checks catch what ValidateTemplate would.
 */
public class LocalTemplateActivitiesImpl implements TemplateActivities {
  private static final Logger log = LoggerFactory.getLogger(LocalTemplateActivitiesImpl.class);
  private final TemplateCatalog catalog;

  public LocalTemplateActivitiesImpl() {
    this(new TemplateCatalog(LocalTemplateActivitiesImpl.class.getClassLoader(), "templates"));
  }

  public LocalTemplateActivitiesImpl(TemplateCatalog catalog) {
    this.catalog = catalog;
  }

  @Override
  public BuildResult buildTemplates(BuildRequest request) {
    List<String> names = catalog.names();
    if (names.isEmpty()) {
      throw ApplicationFailure.newNonRetryableFailure("no CloudFormation templates (*.yml) in classpath folder '"
          + catalog.folder() + "'", Failures.INFRASTRUCTURE_FAILED);
    }
    List<String> problems = new ArrayList<>();
    List<String> warnings = new ArrayList<>();
    for (String name : names) {
      try (InputStream in = catalog.open(name)) {
        Object doc = CfnYaml.load(in);
        TemplateChecks.problems(doc).forEach(p -> problems.add("template " + name + ": " + p));
      } catch (YAMLException e) {
        problems.add("template " + name + ": not valid YAML: " + e.getMessage().replace('\n', ' '));
      } catch (IOException e) {
        problems.add("template " + name + ": unreadable: " + e.getMessage());
      }
    }
    if (!problems.isEmpty()) {
      throw ApplicationFailure.newNonRetryableFailure(String.join("; ", problems), Failures.INFRASTRUCTURE_FAILED);
    }
    warnings.add("local backend: templates checked for structure only; they are deployed on AWS, not here");
    log.info("{} templates checked for {}/{} ({}): {}", names.size(), request.model(), request.version(),
        request.strategy(), names);
    return new BuildResult(names, warnings);
  }
}
