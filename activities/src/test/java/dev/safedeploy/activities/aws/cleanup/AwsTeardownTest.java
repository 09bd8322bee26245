package dev.safedeploy.activities.aws.cleanup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.safedeploy.activities.aws.ActivityTesting;
import dev.safedeploy.activities.aws.MotoServer;
import dev.safedeploy.activities.aws.MotoServerExtension;
import dev.safedeploy.activities.aws.cloudformation.StackDeployer;
import dev.safedeploy.activities.aws.cloudwatch.CanaryAlarms;
import dev.safedeploy.activities.aws.sagemaker.AwsEndpointActivitiesImpl;
import dev.safedeploy.workflows.activities.EndpointActivities;
import dev.safedeploy.workflows.activities.EndpointActivities.EndpointSpec;
import dev.safedeploy.workflows.activities.EndpointActivities.ModelSpec;
import dev.safedeploy.workflows.activities.EndpointActivities.VariantChange;
import dev.safedeploy.workflows.activities.EndpointActivities.VariantSpec;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** moto: what one model left (stacks, a rolled-back version's model, canary alarms) goes; another model's stays. */
@ExtendWith(MotoServerExtension.class)
class AwsTeardownTest {

  @Test
  void dryRunListsThenApplyRemovesOnlyThatModelsResources(MotoServer moto) {
    var c = moto.clients();
    try (ActivityTesting t = new ActivityTesting(new AwsEndpointActivitiesImpl(c.sageMaker(), c.cloudWatch(),
        new StackDeployer(c.cloudFormation(), moto.config()), moto.config()))) {
      EndpointActivities e = t.stub(EndpointActivities.class);
      for (String v : List.of("v1", "v2")) { // v2 was rolled back: its model is left behind
        e.createModel(new ModelSpec("taxi-" + v, "taxi", v, "s3://b/" + v + "/model.tar.gz", 4.0));
      }
      e.createModel(new ModelSpec("taxi-x-v1", "taxi-x", "v1", "s3://b/x/model.tar.gz", 4.0));
      e.addVariant(new VariantChange("taxi-prod", "taxi", new VariantSpec("v1", "taxi-v1", "v1", 100, 1, null)));
      e.deployEndpoint(new EndpointSpec("taxi-dev-v1", "taxi", List.of(new VariantSpec("v1", "taxi-v1", "v1", 100,
          1, null)), false));
      e.deployEndpoint(new EndpointSpec("taxi-x-dev-v1", "taxi-x", List.of(new VariantSpec("v1", "taxi-x-v1", "v1",
          100, 1, null)), false));
      CanaryAlarms.ensure(c.cloudWatch(), "taxi-prod", "v2", "deploy-taxi-v2");
    }
    AwsTeardown teardown = new AwsTeardown(c, moto.config());
    AwsTeardown.Plan plan = teardown.plan("taxi");
    assertThat(plan.stacks()).containsExactlyInAnyOrder("safedeploy-taxi-prod", "safedeploy-taxi-dev-v1");
    assertThat(plan.models()).containsExactlyInAnyOrder("taxi-v1", "taxi-v2");
    assertThat(plan.alarms()).contains("taxi-prod-v2-5xx", "taxi-prod-v2-model-errors");
    assertThat(plan.endpoints()).as("the stacks own them").isEmpty();
    assertThat(plan.endpointConfigs()).as("the stacks own them").isEmpty();
    assertThat(plan.retainedKeys()).hasSize(1);
    // a dry run changes nothing
    assertThat(c.sageMaker().listModels(b -> { }).models()).hasSize(3);

    teardown.apply(plan);
    assertThat(teardown.plan("taxi").isEmpty()).isTrue();
    assertThat(c.sageMaker().listModels(b -> { }).models()).extracting(m -> m.modelName())
        .containsExactly("taxi-x-v1");
    assertThat(c.sageMaker().describeEndpoint(b -> b.endpointName("taxi-x-dev-v1")).endpointName())
        .isEqualTo("taxi-x-dev-v1");
    assertThat(c.cloudWatch().describeAlarms(b -> b.alarmNamePrefix("taxi-prod-")).metricAlarms()).isEmpty();
  }

  @Test
  void retainedCaptureKeysAreScheduledForDeletionOnlyWhenAsked(MotoServer moto) throws Exception {
    var kms = moto.clients().kms();
    // a capture key a deleted prod stack retained, another model's, and one of ours already pending deletion
    String left = kms.createKey(b -> b.description(AwsTeardown.captureKeyDescription("cab-prod"))).keyMetadata().arn();
    String other = kms.createKey(b -> b.description(AwsTeardown.captureKeyDescription("cab-x-prod")))
        .keyMetadata().arn();
    String pending = kms.createKey(b -> b.description(AwsTeardown.captureKeyDescription("cab-prod")))
        .keyMetadata().keyId();
    kms.scheduleKeyDeletion(b -> b.keyId(pending).pendingWindowInDays(7));

    AwsTeardown teardown = new AwsTeardown(moto.clients(), moto.config());
    AwsTeardown.Plan plan = teardown.plan("cab");
    assertThat(plan.retainedKeys()).containsExactly(left);
    assertThat(plan.isEmpty()).as("keys alone are nothing to delete by default").isTrue();

    teardown.apply(plan);
    assertThat(kms.describeKey(b -> b.keyId(left)).keyMetadata().keyStateAsString()).isEqualTo("Enabled");

    assertThatThrownBy(() -> teardown.apply(plan, 3)).hasMessageContaining("7 to 30 days");
    teardown.apply(plan, 30);
    var m = kms.describeKey(b -> b.keyId(left)).keyMetadata();
    assertThat(m.keyStateAsString()).isEqualTo("PendingDeletion");
    assertThat(m.deletionDate()).isAfter(java.time.Instant.now().plus(java.time.Duration.ofDays(29)));
    assertThat(kms.describeKey(b -> b.keyId(other)).keyMetadata().keyStateAsString()).isEqualTo("Enabled");
    assertThat(teardown.plan("cab").retainedKeys()).as("pending keys are not listed again").isEmpty();
    teardown.apply(plan, 30); // again: already pending, no error
  }

  @Test
  void theTemplateDescribesItsCaptureKeyTheWayTeardownLooksForIt() throws Exception {
    String template = java.nio.file.Files.readString(
        dev.safedeploy.activities.aws.templates.CfnLintTest.templatesDir().resolve("prod-endpoint.yml"));
    assertThat(template).contains("Description: !Sub \"" + AwsTeardown.captureKeyDescription("${EndpointName}")
        + "\"");
  }

  @Test
  void aBadModelNameIsRefused(MotoServer moto) {
    assertThatThrownBy(() -> new AwsTeardown(moto.clients(), moto.config()).plan("Taxi Prod"))
        .hasMessageContaining("not a model name");
  }
}
