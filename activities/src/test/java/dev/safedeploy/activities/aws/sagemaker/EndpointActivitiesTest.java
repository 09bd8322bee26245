package dev.safedeploy.activities.aws.sagemaker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.safedeploy.activities.aws.ActivityTesting;
import dev.safedeploy.activities.aws.AwsClients;
import dev.safedeploy.activities.aws.MotoServer;
import dev.safedeploy.activities.aws.MotoServerExtension;
import dev.safedeploy.activities.aws.cloudformation.StackDeployer;
import dev.safedeploy.workflows.activities.EndpointActivities;
import dev.safedeploy.workflows.activities.EndpointActivities.EndpointSpec;
import dev.safedeploy.workflows.activities.EndpointActivities.EndpointState;
import dev.safedeploy.workflows.activities.EndpointActivities.ModelDeletion;
import dev.safedeploy.workflows.activities.EndpointActivities.ModelRef;
import dev.safedeploy.workflows.activities.EndpointActivities.ModelSpec;
import dev.safedeploy.workflows.activities.EndpointActivities.ProductionState;
import dev.safedeploy.workflows.activities.EndpointActivities.VariantChange;
import dev.safedeploy.workflows.activities.EndpointActivities.VariantSpec;
import dev.safedeploy.workflows.activities.EndpointActivities.VariantState;
import dev.safedeploy.workflows.activities.Failures;
import dev.safedeploy.workflows.pipeline.ResourceNames;
import io.temporal.failure.ApplicationFailure;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import dev.safedeploy.workflows.activities.TrafficActivities.TrafficShift;
import software.amazon.awssdk.services.cloudformation.model.Parameter;
import software.amazon.awssdk.services.cloudformation.model.UpdateStackRequest;

/**
 * moto: models, endpoints and the real dev/prod templates deployed as CloudFormation stacks. moto's CloudFormation
 * implements AWS::SageMaker::Model/EndpointConfig/Endpoint, KMS keys and dashboards; it skips (with a warning) the types
 * it lacks — AWS::CloudWatch::Alarm, AWS::ApplicationAutoScaling::*, AWS::SageMaker::MonitoringSchedule — so those
 * resources are checked by cfn-lint (CfnLintTest), not here.
 */
@ExtendWith(MotoServerExtension.class)
class EndpointActivitiesTest {

  private static final ResourceNames V1 = new ResourceNames("taxi", "v1");
  private static final ResourceNames V2 = new ResourceNames("taxi", "v2");

  private static EndpointActivities endpoints(ActivityTesting t) {
    return t.stub(EndpointActivities.class);
  }

  private static ActivityTesting activities(MotoServer moto) {
    AwsClients c = moto.clients();
    return new ActivityTesting(new AwsEndpointActivitiesImpl(c.sageMaker(), c.cloudWatch(),
        new StackDeployer(c.cloudFormation(), moto.config()), moto.config()));
  }

  private static void models(EndpointActivities e) {
    e.createModel(new ModelSpec(V1.modelName(), "taxi", "v1", "s3://safedeploy-test/sd/models/v1/model.tar.gz", 4.5));
    e.createModel(new ModelSpec(V2.modelName(), "taxi", "v2", "s3://safedeploy-test/sd/models/v2/model.tar.gz", 4.2));
  }

  private static VariantSpec variant(ResourceNames n, int weight) {
    return new VariantSpec(n.variant(), n.modelName(), n.version(), weight, 1, null);
  }

  @Test
  void createModelRegistersXgboostImageAndTagsAndAdopts(MotoServer moto) {
    try (ActivityTesting t = activities(moto)) {
      EndpointActivities e = endpoints(t);
      models(e);
      assertThat(e.createModel(new ModelSpec(V1.modelName(), "taxi", "v1", "s3://other/model.tar.gz", 9.9)))
          .isEqualTo("taxi-v1");
      var sm = moto.clients().sageMaker();
      var m = sm.describeModel(b -> b.modelName("taxi-v1"));
      assertThat(m.primaryContainer().image()).isEqualTo(SageMakerImages.xgboost("us-east-1", "1.7-1"));
      assertThat(m.primaryContainer().modelDataUrl()).isEqualTo("s3://safedeploy-test/sd/models/v1/model.tar.gz");
      assertThat(sm.listTags(b -> b.resourceArn(m.modelArn())).tags())
          .anySatisfy(tag -> assertThat(tag.key() + "=" + tag.value()).isEqualTo("safedeploy:validation-rmse=4.5"));
    }
  }

  @Test
  void devEndpointFromTheDevTemplate(MotoServer moto) {
    try (ActivityTesting t = activities(moto)) {
      EndpointActivities e = endpoints(t);
      models(e);
      EndpointSpec spec = new EndpointSpec(V1.devEndpoint(), "taxi", List.of(variant(V1, 100)), false);
      EndpointState s = e.deployEndpoint(spec);
      assertThat(s.endpointName()).isEqualTo("taxi-dev-v1");
      assertThat(s.status()).isEqualTo("InService");
      assertThat(s.variants()).containsExactly(new VariantState("v1", "taxi-v1", "v1", 100));
      // deploying again is idempotent
      assertThat(e.deployEndpoint(spec).variants()).containsExactly(new VariantState("v1", "taxi-v1", "v1", 100));
      var stack = moto.clients().cloudFormation().describeStacks(b -> b.stackName("safedeploy-taxi-dev-v1"))
          .stacks().get(0);
      assertThat(stack.parameters()).extracting(Parameter::parameterKey, Parameter::parameterValue)
          .contains(org.assertj.core.groups.Tuple.tuple("SageMakerModelName", "taxi-v1"));

      e.deleteEndpoint("taxi-dev-v1");
      e.deleteEndpoint("taxi-dev-v1"); // already gone: success
      assertThat(e.describeProduction("taxi", "taxi-dev-v1").exists()).isFalse();
    }
  }

  /**
   * A dev endpoint goes when its version is promoted (production serves its model) or rolled back (nothing does):
   * the rolled-back version's SageMaker model goes with it, a served one stays.
   */
  @Test
  void aDevEndpointTakesItsModelAlongUnlessProductionServesIt(MotoServer moto) {
    try (ActivityTesting t = activities(moto)) {
      EndpointActivities e = endpoints(t);
      models(e);
      e.addVariant(new VariantChange(V1.prodEndpoint(), "taxi", variant(V1, 100)));
      e.deployEndpoint(new EndpointSpec(V1.devEndpoint(), "taxi", List.of(variant(V1, 100)), false));
      e.deployEndpoint(new EndpointSpec(V2.devEndpoint(), "taxi", List.of(variant(V2, 100)), false));

      e.deleteEndpoint(V2.devEndpoint()); // v2 rolled back
      e.deleteEndpoint(V1.devEndpoint()); // v1 promoted: production serves its model
      assertThat(moto.clients().sageMaker().listModels(b -> b.nameContains("taxi")).models())
          .extracting(m -> m.modelName()).containsExactly("taxi-v1");
      e.deleteEndpoint(V2.devEndpoint()); // again: the model already gone is fine
      assertThat(e.describeProduction("taxi", V1.prodEndpoint()).variants())
          .containsExactly(new VariantState("v1", "taxi-v1", "v1", 100));
    }
  }

  /**
   * The workflow's model deletion (green's after a watch-window rollback, blue's once the promotion stands): kept while
   * the prod endpoint or the version's dev endpoint serves the model, deleted otherwise, an absent one is success.
   */
  @Test
  void deleteModelKeepsAModelProductionOrItsDevEndpointServes(MotoServer moto) {
    try (ActivityTesting t = activities(moto)) {
      EndpointActivities e = endpoints(t);
      models(e);
      e.addVariant(new VariantChange(V1.prodEndpoint(), "taxi", variant(V1, 100)));
      e.deployEndpoint(new EndpointSpec(V2.devEndpoint(), "taxi", List.of(variant(V2, 100)), false));

      assertThat(e.deleteModel(new ModelRef(V1.modelName(), "taxi", "v1")))
          .isEqualTo(new ModelDeletion(V1.modelName(), false, V1.prodEndpoint()));
      assertThat(e.deleteModel(new ModelRef(V2.modelName(), "taxi", "v2")))
          .isEqualTo(new ModelDeletion(V2.modelName(), false, V2.devEndpoint()));
      assertThat(moto.clients().sageMaker().listModels(b -> b.nameContains("taxi")).models())
          .extracting(m -> m.modelName()).containsExactlyInAnyOrder("taxi-v1", "taxi-v2");

      // v2 promoted (its dev endpoint goes, production keeps its model), then rolled back in its watch window
      e.addVariant(new VariantChange(V1.prodEndpoint(), "taxi", variant(V2, 0)));
      e.deleteEndpoint(V2.devEndpoint());
      assertThat(moto.clients().sageMaker().listModels(b -> b.nameContains("taxi")).models())
          .extracting(m -> m.modelName()).containsExactlyInAnyOrder("taxi-v1", "taxi-v2");
      e.removeVariant(V1.prodEndpoint(), "v2");
      assertThat(e.deleteModel(new ModelRef(V2.modelName(), "taxi", "v2")))
          .isEqualTo(new ModelDeletion(V2.modelName(), true, null));
      assertThat(e.deleteModel(new ModelRef(V2.modelName(), "taxi", "v2")).gone()).as("absent: success").isTrue();
      assertThat(moto.clients().sageMaker().listModels(b -> b.nameContains("taxi")).models())
          .extracting(m -> m.modelName()).containsExactly("taxi-v1");
    }
  }

  @Test
  void prodEndpointGainsAndRetiresVariantsThroughOneStack(MotoServer moto) {
    try (ActivityTesting t = activities(moto)) {
      EndpointActivities e = endpoints(t);
      models(e);
      String prod = V1.prodEndpoint();
      assertThat(e.describeProduction("taxi", prod).exists()).isFalse();

      EndpointState first = e.addVariant(new VariantChange(prod, "taxi", variant(V1, 100)));
      assertThat(first.variants()).extracting(VariantState::variantName).containsExactly("v1");

      EndpointState both = e.addVariant(new VariantChange(prod, "taxi", variant(V2, 0)));
      assertThat(both.variants()).extracting(VariantState::variantName).containsExactlyInAnyOrder("v1", "v2");
      // adding the same variant again adopts it
      assertThat(e.addVariant(new VariantChange(prod, "taxi", variant(V2, 0))).variants()).hasSize(2);

      ProductionState p = e.describeProduction("taxi", prod);
      assertThat(p.exists()).isTrue();
      assertThat(p.liveVersion()).isEqualTo("v1");
      assertThat(p.liveModelName()).isEqualTo("taxi-v1");
      assertThat(p.liveRmse()).isEqualTo(4.5);

      var captured = moto.clients().sageMaker().describeEndpointConfig(b -> b.endpointConfigName(
          moto.clients().sageMaker().describeEndpoint(d -> d.endpointName(prod)).endpointConfigName()));
      assertThat(captured.dataCaptureConfig().initialSamplingPercentage()).isEqualTo(100);
      assertThat(captured.dataCaptureConfig().destinationS3Uri()).isEqualTo("s3://safedeploy-test/sd/datacapture");

      dev.safedeploy.activities.aws.cloudwatch.CanaryAlarms.ensure(moto.clients().cloudWatch(), prod, "v1", "w");
      EndpointState afterRetire = e.removeVariant(prod, "v1");
      assertThat(moto.clients().cloudWatch().describeAlarms(b -> b.alarmNamePrefix("taxi-prod-v1")).metricAlarms())
          .as("the retired variant's canary alarms go with it").isEmpty();
      assertThat(afterRetire.variants()).extracting(VariantState::variantName).containsExactly("v2");
      assertThat(e.removeVariant(prod, "v1").variants()).hasSize(1); // absent: no-op
      Map<String, String> params = new StackDeployer(moto.clients().cloudFormation(), moto.config())
          .parameters("safedeploy-taxi-prod");
      assertThat(params).containsEntry("VariantAName", "").containsEntry("VariantBName", "v2");

      e.removeVariant(prod, "v2"); // the last one: the endpoint goes
      assertThat(e.describeProduction("taxi", prod).exists()).isFalse();
    }
  }

  /**
   * A promotion on real SageMaker: the live split is never written into the stack (a weight change in the config
   * would redeploy the endpoint and reset autoscaled capacity), the config updates keep the live weights
   * (RetainAllVariantProperties), and retiring blue updates the endpoint once.
   */
  @Test
  void promotionKeepsTheLiveSplitOutOfTheStackAndUpdatesTheEndpointOnce(MotoServer moto) {
    try (ActivityTesting t = activities(moto)) {
      EndpointActivities e = endpoints(t);
      models(e);
      String prod = V1.prodEndpoint();
      e.addVariant(new VariantChange(prod, "taxi", variant(V1, 100)));
      EndpointState both = e.addVariant(new VariantChange(prod, "taxi", variant(V2, 0)));
      assertThat(both.variants()).extracting(VariantState::variantName, VariantState::weight)
          .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple("v1", 100),
              org.assertj.core.groups.Tuple.tuple("v2", 0));
      var traffic = new dev.safedeploy.activities.aws.traffic.WeightsTraffic(moto.clients().sageMaker(),
          moto.config());
      traffic.shift(new TrafficShift(prod, Map.of("v1", 90, "v2", 10), "canary"));
      traffic.shift(new TrafficShift(prod, Map.of("v1", 0, "v2", 100), "promote"));

      int configsBefore = moto.conformance.configsSeen(prod).size();
      int updatesBefore = moto.conformance.requestsOf(UpdateStackRequest.class).size();
      EndpointState promoted = e.removeVariant(prod, "v1");
      assertThat(promoted.variants()).containsExactly(new VariantState("v2", "taxi-v2", "v2", 100));
      List<String> configs = moto.conformance.configsSeen(prod);
      assertThat(configs.subList(configsBefore - 1, configs.size())).as("retiring blue: one endpoint update")
          .hasSize(2);
      List<UpdateStackRequest> updates = moto.conformance.requestsOf(UpdateStackRequest.class);
      assertThat(updates.size() - updatesBefore).as("autoscaling off, then the variant off").isEqualTo(2);
      for (UpdateStackRequest u : updates) {
        assertThat(u.parameters()).extracting(Parameter::parameterKey)
            .noneMatch(k -> k.matches("Variant[AB]Weight"));
      }

      // a variant entering beside the live one (blue restored, or the next canary) enters at 0; the live one keeps 100
      EndpointState restored = e.addVariant(new VariantChange(prod, "taxi", variant(V1, 0)));
      assertThat(restored.variants()).extracting(VariantState::variantName, VariantState::weight)
          .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple("v1", 0),
              org.assertj.core.groups.Tuple.tuple("v2", 100));
    }
  }

  /**
   * The live variant retired while the other still has weight 0 (CodeDeploy mode moves the alias, not the weights):
   * the config update keeps live weights, so the survivor would be left alone at 0, serving nothing.
   */
  @Test
  void retiringTheVariantThatHoldsAllTrafficGivesItToTheSurvivor(MotoServer moto) {
    try (ActivityTesting t = activities(moto)) {
      EndpointActivities e = endpoints(t);
      models(e);
      String prod = V1.prodEndpoint();
      e.addVariant(new VariantChange(prod, "taxi", variant(V1, 100)));
      e.addVariant(new VariantChange(prod, "taxi", variant(V2, 0)));
      EndpointState after = e.removeVariant(prod, "v1");
      assertThat(after.variants()).containsExactly(new VariantState("v2", "taxi-v2", "v2", 100));
    }
  }

  /**
   * Deploying the prod endpoint in a shape without one of its variants: the dropped variant is deregistered from
   * autoscaling in an update of its own first (the conformance layer refuses removing a registered variant), and the
   * one that stays, at weight 0 until then, gets the traffic before the config update keeps that 0.
   */
  @Test
  void deployingProdWithoutAVariantDeregistersItFirst(MotoServer moto) {
    try (ActivityTesting t = activities(moto)) {
      EndpointActivities e = endpoints(t);
      models(e);
      String prod = V1.prodEndpoint();
      e.addVariant(new VariantChange(prod, "taxi", variant(V1, 100)));
      e.addVariant(new VariantChange(prod, "taxi", variant(V2, 0)));
      int updatesBefore = moto.conformance.requestsOf(UpdateStackRequest.class).size();
      EndpointState s = e.deployEndpoint(new EndpointSpec(prod, "taxi", List.of(variant(V2, 100)), false));
      assertThat(s.variants()).containsExactly(new VariantState("v2", "taxi-v2", "v2", 100));
      List<UpdateStackRequest> updates = moto.conformance.requestsOf(UpdateStackRequest.class);
      assertThat(updates.size() - updatesBefore).as("autoscaling off, then the variant off").isEqualTo(2);
      assertThat(new StackDeployer(moto.clients().cloudFormation(), moto.config()).parameters("safedeploy-taxi-prod"))
          .containsEntry("VariantAName", "").containsEntry("VariantBName", "v2");
    }
  }

  /** Stacks made before weights left the template are updated without their old weight parameters. */
  @Test
  void legacyWeightParametersBecomeEntryWeights() {
    ProdStackParameters p = new ProdStackParameters(Map.of("VariantAName", "v1", "VariantAWeight", "100",
        "VariantBName", "", "VariantBWeight", "0"));
    assertThat(p.asMap()).doesNotContainKeys("VariantAWeight", "VariantBWeight")
        .containsEntry("VariantAEntryWeight", "100");
  }

  @Test
  void aThirdVariantIsRefused(MotoServer moto) {
    try (ActivityTesting t = activities(moto)) {
      EndpointActivities e = endpoints(t);
      models(e);
      e.createModel(new ModelSpec("taxi-v3", "taxi", "v3", "s3://x/model.tar.gz", 4.0));
      e.addVariant(new VariantChange("taxi-prod", "taxi", variant(V1, 100)));
      e.addVariant(new VariantChange("taxi-prod", "taxi", variant(V2, 0)));
      ApplicationFailure f = ActivityTesting.failure(() -> e.addVariant(new VariantChange("taxi-prod", "taxi",
          new VariantSpec("v3", "taxi-v3", "v3", 0, 1, null))));
      assertThat(f.getType()).isEqualTo(Failures.INFRASTRUCTURE_FAILED);
      assertThat(f.getOriginalMessage()).contains("already serves two variants");
    }
  }

  /** The check that catches SageMaker's silent rollbacks: the endpoint on another config than the stack asked for. */
  @Test
  void verifyReportsAnEndpointOnAnotherConfigAsStateMismatch(MotoServer moto) {
    try (ActivityTesting t = activities(moto)) {
      EndpointActivities e = endpoints(t);
      models(e);
      e.deployEndpoint(new EndpointSpec(V1.devEndpoint(), "taxi", List.of(variant(V1, 100)), false));
    }
    Endpoints endpoints = new Endpoints(moto.clients().sageMaker());
    ApplicationFailure f = org.assertj.core.api.Assertions.catchThrowableOfType(ApplicationFailure.class,
        () -> endpoints.verify("taxi-dev-v1", "the-config-we-asked-for", Set.of("v1")));
    assertThat(f.getType()).isEqualTo(Failures.STATE_MISMATCH);
    assertThat(f.getOriginalMessage()).contains("rolled the update back");
    ApplicationFailure variants = org.assertj.core.api.Assertions.catchThrowableOfType(ApplicationFailure.class,
        () -> endpoints.verify("taxi-dev-v1", null, Set.of("v1", "v2")));
    assertThat(variants.getOriginalMessage()).contains("serves variants [v1]");
  }
}
