package dev.safedeploy.lambdas.hooks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.safedeploy.workflows.json.JsonMapping;
import java.util.Iterator;
import java.util.Map;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.codedeploy.CodeDeployClient;
import software.amazon.awssdk.services.codedeploy.model.RevisionLocation;

/**
 * {@link DeploymentTargets} from GetDeployment: a Lambda deployment's revision is its AppSpec (content or raw string),
 * whose one resource names the function and its {@code TargetVersion}. That is the version this deployment moves to,
 * whether the worker (CodeDeployTraffic) or CloudFormation (SAM's AutoPublishAlias) created the deployment.
 */
public final class CodeDeployDeploymentTargets implements DeploymentTargets {

  private static final ObjectMapper JSON = JsonMapping.mapper();

  private final CodeDeployClient client;

  public CodeDeployDeploymentTargets(CodeDeployClient client) {
    this.client = client;
  }

  public static CodeDeployDeploymentTargets fromEnvironment() {
    return new CodeDeployDeploymentTargets(CodeDeployClient.builder()
        .httpClient(UrlConnectionHttpClient.create())
        .build());
  }

  @Override
  public String targetVersion(String deploymentId) {
    RevisionLocation revision = client.getDeployment(b -> b.deploymentId(deploymentId)).deploymentInfo().revision();
    String content = revision == null ? null
        : revision.appSpecContent() != null ? revision.appSpecContent().content()
        : revision.string() != null ? revision.string().content() : null;
    if (content == null) {
      throw new IllegalStateException("deployment " + deploymentId + " has no AppSpec content (revision "
          + (revision == null ? "none" : revision.revisionTypeAsString()) + ")");
    }
    return targetOf(content, deploymentId);
  }

  /** {@code Name:TargetVersion} of the AppSpec's Lambda resource. */
  static String targetOf(String appSpec, String deploymentId) {
    JsonNode spec;
    try {
      spec = JSON.readTree(appSpec);
    } catch (Exception e) {
      throw new IllegalStateException("deployment " + deploymentId + ": AppSpec is not JSON: "
          + Predictions.abbreviate(appSpec));
    }
    for (JsonNode resource : spec.path("Resources")) {
      Iterator<Map.Entry<String, JsonNode>> fields = resource.fields();
      while (fields.hasNext()) {
        JsonNode r = fields.next().getValue();
        JsonNode props = r.path("Properties");
        if ("AWS::Lambda::Function".equals(r.path("Type").asText()) && props.hasNonNull("Name")
            && props.hasNonNull("TargetVersion")) {
          return props.get("Name").asText() + ":" + props.get("TargetVersion").asText();
        }
      }
    }
    throw new IllegalStateException("deployment " + deploymentId + ": AppSpec names no AWS::Lambda::Function with "
        + "Name and TargetVersion: " + Predictions.abbreviate(appSpec));
  }
}
