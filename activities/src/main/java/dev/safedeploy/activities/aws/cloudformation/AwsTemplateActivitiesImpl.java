package dev.safedeploy.activities.aws.cloudformation;

import dev.safedeploy.activities.aws.AwsBackendConfig;
import dev.safedeploy.activities.aws.sagemaker.SageMakerImages;
import dev.safedeploy.activities.aws.AwsBackendConfig.TrafficMode;
import dev.safedeploy.workflows.activities.Failures;
import dev.safedeploy.workflows.activities.TemplateActivities;
import io.temporal.failure.ApplicationFailure;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.cloudformation.model.CloudFormationException;
import software.amazon.awssdk.services.cloudformation.model.ValidateTemplateResponse;

/** BUILD on AWS: ValidateTemplate on every template this run will deploy. */
public class AwsTemplateActivitiesImpl implements TemplateActivities {

  private final CloudFormationClient cfn;
  private final AwsBackendConfig config;

  public AwsTemplateActivitiesImpl(CloudFormationClient cfn, AwsBackendConfig config) {
    this.cfn = cfn;
    this.config = config;
  }

  /** The templates a run deploys: the API/CodeDeploy stack only in codedeploy traffic mode. */
  public List<String> templatesFor(String strategy) {
    List<String> names =
        new ArrayList<>(List.of(Templates.DEV_ENDPOINT, Templates.PROD_ENDPOINT, Templates.MONITORING));
    if (config.trafficMode() == TrafficMode.CODEDEPLOY) {
      names.add(Templates.API_CANARY);
    }
    return names;
  }

  @Override
  public BuildResult buildTemplates(BuildRequest request) {
    try {
      // resolved here so a region or version without an image fails before any job is paid for
      SageMakerImages.xgboost(config.region(), config.xgboostVersion());
      SageMakerImages.modelMonitorAnalyzer(config.region());
    } catch (IllegalArgumentException e) {
      throw ApplicationFailure.newNonRetryableFailure(e.getMessage(), Failures.INFRASTRUCTURE_FAILED);
    }
    List<String> validated = new ArrayList<>();
    List<String> warnings = new ArrayList<>();
    for (String name : templatesFor(request.strategy())) {
      String body = Templates.find(name).orElseThrow(() -> ApplicationFailure.newNonRetryableFailure(
          "template templates/" + name + " is missing from the activities jar", Failures.INFRASTRUCTURE_FAILED));
      ValidateTemplateResponse r;
      try {
        r = cfn.validateTemplate(b -> b.templateBody(body));
      } catch (CloudFormationException e) {
        if (e.statusCode() == 400) {
          throw ApplicationFailure.newNonRetryableFailure("template " + name + " is invalid: "
              + StackDeployer.message(e), Failures.INFRASTRUCTURE_FAILED);
        }
        throw e;
      }
      if (!r.capabilities().isEmpty()) {
        warnings.add(name + " needs " + r.capabilitiesAsStrings() + ": " + r.capabilitiesReason());
      }
      validated.add(name);
    }
    return new BuildResult(validated, warnings);
  }
}
