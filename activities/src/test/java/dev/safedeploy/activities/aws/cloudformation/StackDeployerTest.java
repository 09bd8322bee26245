package dev.safedeploy.activities.aws.cloudformation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.safedeploy.activities.aws.ActivityTesting;
import dev.safedeploy.activities.aws.MotoServer;
import dev.safedeploy.activities.aws.MotoServerExtension;
import dev.safedeploy.activities.aws.RecordedHttpClient;
import dev.safedeploy.workflows.activities.Failures;
import dev.safedeploy.workflows.activities.TemplateActivities;
import dev.safedeploy.workflows.activities.TemplateActivities.BuildRequest;
import dev.safedeploy.workflows.activities.TemplateActivities.BuildResult;
import io.temporal.failure.ApplicationFailure;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(MotoServerExtension.class)
class StackDeployerTest {

  /** moto: ValidateTemplate on the real templates. */
  @Test
  void buildValidatesEveryTemplateTheRunUses(MotoServer moto) {
    try (ActivityTesting t = new ActivityTesting(
        new AwsTemplateActivitiesImpl(moto.clients().cloudFormation(), moto.config()))) {
      BuildResult r = t.stub(TemplateActivities.class).buildTemplates(new BuildRequest("taxi", "v1", "CANARY"));
      assertThat(r.templates()).containsExactly(Templates.DEV_ENDPOINT, Templates.PROD_ENDPOINT, Templates.MONITORING);
    }
  }

  /** A region without a Model Monitor analyzer image fails BUILD, before any AWS call (and so before any job). */
  @Test
  void buildRefusesARegionWithoutTheImages() {
    dev.safedeploy.activities.aws.RecordedHttpClient http = new dev.safedeploy.activities.aws.RecordedHttpClient();
    dev.safedeploy.activities.aws.AwsBackendConfig config = new dev.safedeploy.activities.aws.AwsBackendConfig(
        "ap-south-2", java.net.URI.create("http://recorded.invalid"), "bucket", "sd", "arn:aws:iam::1:role/sm", null,
        null, null, null, null, null, 0, null, null, null);
    try (ActivityTesting t = new ActivityTesting(
        new AwsTemplateActivitiesImpl(http.clients(config).cloudFormation(), config))) {
      io.temporal.failure.ApplicationFailure f = ActivityTesting.failure(() -> t.stub(TemplateActivities.class)
          .buildTemplates(new BuildRequest("taxi", "v1", "CANARY")));
      assertThat(f.isNonRetryable()).isTrue();
      assertThat(f.getOriginalMessage()).contains("Model Monitor analyzer").contains("ap-south-2");
    }
    assertThat(http.calls).isEmpty();
  }

  /** An XGBoost version the built-in algorithm does not publish fails BUILD too, before any AWS call. */
  @Test
  void buildRefusesAnUnknownXgboostVersion() {
    dev.safedeploy.activities.aws.RecordedHttpClient http = new dev.safedeploy.activities.aws.RecordedHttpClient();
    dev.safedeploy.activities.aws.AwsBackendConfig config = new dev.safedeploy.activities.aws.AwsBackendConfig(
        "af-south-1", java.net.URI.create("http://recorded.invalid"), "bucket", "sd", "arn:aws:iam::1:role/sm", null,
        null, null, null, null, null, 0, "1.7-9", null, null);
    try (ActivityTesting t = new ActivityTesting(
        new AwsTemplateActivitiesImpl(http.clients(config).cloudFormation(), config))) {
      io.temporal.failure.ApplicationFailure f = ActivityTesting.failure(() -> t.stub(TemplateActivities.class)
          .buildTemplates(new BuildRequest("taxi", "v1", "CANARY")));
      assertThat(f.isNonRetryable()).isTrue();
      assertThat(f.getOriginalMessage()).contains("SAFEDEPLOY_XGBOOST_VERSION 1.7-9");
    }
    assertThat(http.calls).isEmpty();
  }

  /** moto: a real create, then the same parameters again (success either way: moto updates, AWS says no updates). */
  @Test
  void createThenUpdateThenDelete(MotoServer moto) {
    StackDeployer stacks = new StackDeployer(moto.clients().cloudFormation(), moto.config());
    moto.clients().sageMaker().createModel(b -> b.modelName("taxi-v1").executionRoleArn(MotoServer.ROLE)
        .primaryContainer(c -> c.image("i").modelDataUrl("s3://a/model.tar.gz")));
    Map<String, String> params = Map.of("ModelName", "taxi", "ModelVersion", "v1", "SageMakerModelName", "taxi-v1",
        "EndpointName", "taxi-dev-v1", "VariantName", "v1");
    Map<String, String> out = stacks.deploy("safedeploy-taxi-dev-v1", Templates.DEV_ENDPOINT, params, Map.of());
    assertThat(out).containsEntry("EndpointName", "taxi-dev-v1").containsKey("EndpointConfigName");
    assertThat(stacks.deploy("safedeploy-taxi-dev-v1", Templates.DEV_ENDPOINT, params, Map.of()))
        .containsEntry("EndpointName", "taxi-dev-v1");
    assertThat(stacks.parameters("safedeploy-taxi-dev-v1")).containsEntry("SageMakerModelName", "taxi-v1");
    stacks.delete("safedeploy-taxi-dev-v1");
    stacks.delete("safedeploy-taxi-dev-v1");
    assertThat(stacks.describe("safedeploy-taxi-dev-v1")).isEmpty();
  }

  private static String describeStacks(String status) {
    return """
        <DescribeStacksResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/">
          <DescribeStacksResult><Stacks><member>
            <StackName>safedeploy-taxi-prod</StackName>
            <StackId>arn:aws:cloudformation:us-east-1:1:stack/safedeploy-taxi-prod/abc</StackId>
            <StackStatus>%s</StackStatus>
            <CreationTime>2026-11-26T19:00:00Z</CreationTime>
            <Parameters/><Outputs/>
          </member></Stacks></DescribeStacksResult>
          <ResponseMetadata><RequestId>r</RequestId></ResponseMetadata>
        </DescribeStacksResponse>""".formatted(status);
  }

  /** Recorded shapes: an update that rolls back is an error carrying the failed resource's reason from the events. */
  @Test
  void rollbackIsAnErrorWithTheEventsReason() {
    RecordedHttpClient ordered = new RecordedHttpClient()
        .on("DescribeStacks", describeStacks("UPDATE_COMPLETE"))
        .on("DescribeStacks", describeStacks("UPDATE_IN_PROGRESS"))
        .on("DescribeStacks", describeStacks("UPDATE_ROLLBACK_COMPLETE"))
        .on("UpdateStack", "<UpdateStackResponse><UpdateStackResult><StackId>arn:aws:cloudformation:us-east-1:1:stack/"
            + "safedeploy-taxi-prod/abc</StackId></UpdateStackResult></UpdateStackResponse>")
        .on("DescribeStackEvents", """
            <DescribeStackEventsResponse><DescribeStackEventsResult><StackEvents>
              <member><StackName>safedeploy-taxi-prod</StackName><StackId>s</StackId><EventId>2</EventId>
                <LogicalResourceId>ProdEndpoint</LogicalResourceId><ResourceType>AWS::SageMaker::Endpoint</ResourceType>
                <Timestamp>2026-11-26T19:05:00Z</Timestamp><ResourceStatus>UPDATE_FAILED</ResourceStatus>
                <ResourceStatusReason>The variant(s) [v1] must be deregistered as scalable targets</ResourceStatusReason>
              </member>
            </StackEvents></DescribeStackEventsResult></DescribeStackEventsResponse>""");
    StackDeployer stacks = new StackDeployer(ordered.clients(RecordedHttpClient.config()).cloudFormation(),
        RecordedHttpClient.config());
    ApplicationFailure f = catchThrowableOfType(ApplicationFailure.class, () -> stacks.deploy("safedeploy-taxi-prod",
        Templates.PROD_ENDPOINT, Map.of("EndpointName", "taxi-prod"), Map.of()));
    assertThat(f.getType()).isEqualTo(Failures.INFRASTRUCTURE_FAILED);
    assertThat(f.isNonRetryable()).isTrue();
    assertThat(f.getOriginalMessage()).contains("UPDATE_ROLLBACK_COMPLETE")
        .contains("ProdEndpoint UPDATE_FAILED").contains("must be deregistered as scalable targets");
  }

  /** Recorded shape: "No updates are to be performed" is success, with the stack's outputs. */
  @Test
  void noUpdatesIsSuccess() {
    RecordedHttpClient http = new RecordedHttpClient()
        .on("DescribeStacks", describeStacks("UPDATE_COMPLETE").replace("<Outputs/>",
            "<Outputs><member><OutputKey>EndpointName</OutputKey><OutputValue>taxi-prod</OutputValue></member></Outputs>"))
        .on("UpdateStack", 400, """
            <ErrorResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/"><Error><Type>Sender</Type>
            <Code>ValidationError</Code><Message>No updates are to be performed.</Message></Error>
            <RequestId>r</RequestId></ErrorResponse>""");
    StackDeployer stacks = new StackDeployer(http.clients(RecordedHttpClient.config()).cloudFormation(),
        RecordedHttpClient.config());
    assertThat(stacks.deploy("safedeploy-taxi-prod", Templates.PROD_ENDPOINT, Map.of(), Map.of()))
        .containsEntry("EndpointName", "taxi-prod");
  }

  /** Recorded shapes: a stack left ROLLBACK_COMPLETE by a failed create can only be deleted; it is, then re-created. */
  @Test
  void aFailedCreateIsDeletedAndCreatedAgain() {
    RecordedHttpClient http = new RecordedHttpClient()
        .on("DescribeStacks", describeStacks("ROLLBACK_COMPLETE"))
        .on("DescribeStacks", describeStacks("ROLLBACK_COMPLETE"))
        .on("DescribeStacks", describeStacks("DELETE_COMPLETE"))
        .on("DescribeStacks", describeStacks("CREATE_IN_PROGRESS"))
        .on("DescribeStacks", describeStacks("CREATE_COMPLETE").replace("<Outputs/>",
            "<Outputs><member><OutputKey>EndpointName</OutputKey><OutputValue>taxi-prod</OutputValue></member></Outputs>"))
        .on("DeleteStack", "<DeleteStackResponse><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata>"
            + "</DeleteStackResponse>")
        .on("CreateStack", "<CreateStackResponse><CreateStackResult><StackId>arn:aws:cloudformation:us-east-1:1:stack/"
            + "safedeploy-taxi-prod/def</StackId></CreateStackResult></CreateStackResponse>");
    StackDeployer stacks = new StackDeployer(http.clients(RecordedHttpClient.config()).cloudFormation(),
        RecordedHttpClient.config());
    assertThat(stacks.deploy("safedeploy-taxi-prod", Templates.PROD_ENDPOINT, Map.of("EndpointName", "taxi-prod"),
        Map.of())).containsEntry("EndpointName", "taxi-prod");
    assertThat(http.bodiesOf("DeleteStack")).singleElement().asString()
        .contains("StackName=arn%3Aaws%3Acloudformation%3Aus-east-1%3A1%3Astack%2Fsafedeploy-taxi-prod%2Fabc");
    assertThat(http.bodiesOf("CreateStack")).singleElement().asString()
        .contains("StackName=safedeploy-taxi-prod").contains("ParameterValue=taxi-prod");
    assertThat(http.bodiesOf("UpdateStack")).isEmpty();
  }
}
