package dev.safedeploy.activities.local.activities;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.safedeploy.activities.local.templates.TemplateCatalog;
import dev.safedeploy.workflows.activities.Failures;
import dev.safedeploy.workflows.activities.TemplateActivities;
import io.temporal.failure.ApplicationFailure;
import org.junit.jupiter.api.Test;

class LocalTemplateActivitiesImplTest {
  static TemplateActivities activities(String folder) {
    return new LocalTemplateActivitiesImpl(new TemplateCatalog(LocalTemplateActivitiesImplTest.class.getClassLoader(),
        folder));
  }

  @Test
  void aValidTemplateWithShortFormIntrinsicsPasses() {
    TemplateActivities.BuildResult r = activities("test-templates/valid")
        .buildTemplates(new TemplateActivities.BuildRequest("m", "v1", "CANARY"));
    assertThat(r.templates()).containsExactly("endpoint.yml");
  }

  @Test
  void brokenTemplatesFailNonRetryablyNamingTemplateAndProblem() {
    assertThatThrownBy(() -> activities("test-templates/broken")
        .buildTemplates(new TemplateActivities.BuildRequest("m", "v1", "CANARY")))
        .isInstanceOfSatisfying(ApplicationFailure.class, f -> {
          assertThat(f.isNonRetryable()).isTrue();
          assertThat(f.getType()).isEqualTo(Failures.INFRASTRUCTURE_FAILED);
        })
        .hasMessageContaining("template endpoint.yml: resource Config has no Type")
        .hasMessageContaining("Ref to ModelNme")
        .hasMessageContaining("DependsOn Missing")
        .hasMessageContaining("GetAtt on Confg")
        .hasMessageContaining("${Nope}")
        .hasMessageContaining("template notyaml.yml: not valid YAML");
  }

  @Test
  void theShippedTemplatesPassTheStructuralChecks() {
    TemplateActivities.BuildResult r = new LocalTemplateActivitiesImpl()
        .buildTemplates(new TemplateActivities.BuildRequest("m", "v1", "CANARY"));
    assertThat(r.templates()).isNotEmpty().allSatisfy(t -> assertThat(t).endsWith(".yml"));
  }

  @Test
  void noTemplatesAtAllIsAnError() {
    assertThatThrownBy(() -> activities("test-templates/none")
        .buildTemplates(new TemplateActivities.BuildRequest("m", "v1", "CANARY")))
        .hasMessageContaining("no CloudFormation templates");
  }
}
