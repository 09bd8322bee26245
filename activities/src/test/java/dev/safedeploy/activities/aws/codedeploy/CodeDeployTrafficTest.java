package dev.safedeploy.activities.aws.codedeploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.safedeploy.activities.aws.ActivityTesting;
import dev.safedeploy.activities.aws.AwsBackendConfig;
import dev.safedeploy.activities.aws.AwsBackendConfig.CodeDeployTarget;
import dev.safedeploy.activities.aws.RecordedHttpClient;
import dev.safedeploy.activities.aws.traffic.AwsTrafficActivitiesImpl;
import dev.safedeploy.workflows.activities.Failures;
import dev.safedeploy.workflows.activities.TrafficActivities;
import dev.safedeploy.workflows.activities.TrafficActivities.TrafficShift;
import io.temporal.failure.ApplicationFailure;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Recorded shapes only: moto never moves a CodeDeploy deployment (and its Lambda aliases have no routing), so
 * CodeDeploy's and Lambda's answers are replayed through the SDK's real unmarshalling.
 */
class CodeDeployTrafficTest {

  private static final AwsBackendConfig CONFIG = RecordedHttpClient.config().withTrafficMode(
      AwsBackendConfig.TrafficMode.CODEDEPLOY, new CodeDeployTarget("taxi-api", "taxi-api-group", "taxi-fn", "live"));
  private static final String ALIAS = "GET /2015-03-31/functions/taxi-fn/aliases/live";
  private static final String VERSIONS = "GET /2015-03-31/functions/taxi-fn/versions";

  private static String alias(String version, String routedVersion, double weight) {
    return "{\"AliasArn\":\"arn:aws:lambda:us-east-1:1:function:taxi-fn:live\",\"Name\":\"live\",\"FunctionVersion\":\""
        + version + "\"" + (routedVersion == null ? "" : ",\"RoutingConfig\":{\"AdditionalVersionWeights\":{\""
        + routedVersion + "\":" + weight + "}}") + "}";
  }

  private static final String VERSION_LIST = """
      {"Versions":[{"FunctionName":"taxi-fn","Version":"$LATEST","Description":""},
                   {"FunctionName":"taxi-fn","Version":"3","Description":"safedeploy variant v1"},
                   {"FunctionName":"taxi-fn","Version":"4","Description":"safedeploy variant v2"}]}""";

  private static String deployment(String status, String extra) {
    return "{\"deploymentInfo\":{\"deploymentId\":\"d-ABC123\",\"applicationName\":\"taxi-api\",\"status\":\""
        + status + "\"" + extra + "}}";
  }

  private static final String TARGET = "CodeDeploy_20141006.";

  @Test
  void canaryCreatesTheDeploymentAndConfirmsTheAliasRouting() {
    RecordedHttpClient http = new RecordedHttpClient()
        .on(ALIAS, alias("3", null, 0)).on(ALIAS, alias("3", "4", 0.1))
        .on(VERSIONS, VERSION_LIST)
        .on(TARGET + "ListDeployments", "{\"deployments\":[]}")
        .on(TARGET + "CreateDeployment", "{\"deploymentId\":\"d-ABC123\"}")
        .on(TARGET + "GetDeployment", deployment("InProgress", ""));
    try (ActivityTesting t = new ActivityTesting(new AwsTrafficActivitiesImpl(http.clients(CONFIG), CONFIG))) {
      var s = t.stub(TrafficActivities.class).shiftTraffic(
          new TrafficShift("taxi-prod", Map.of("v1", 90, "v2", 10), "canary"));
      assertThat(s.weights()).isEqualTo(Map.of("v1", 90, "v2", 10));
    }
    assertThat(http.bodiesOf(TARGET + "CreateDeployment")).singleElement().asString()
        .contains("\"applicationName\":\"taxi-api\"").contains("\"deploymentGroupName\":\"taxi-api-group\"")
        .contains("AppSpecContent").contains("\\\"CurrentVersion\\\":\\\"3\\\"")
        .contains("\\\"TargetVersion\\\":\\\"4\\\"").contains("\\\"Alias\\\":\\\"live\\\"")
        .doesNotContain("deploymentConfigName"); // the group's canary config decides the steps
  }

  @Test
  void fullStepFollowsTheInFlightDeploymentToSuccess() {
    RecordedHttpClient http = new RecordedHttpClient()
        .on(ALIAS, alias("3", "4", 0.1)).on(ALIAS, alias("4", null, 0))
        .on(VERSIONS, VERSION_LIST)
        .on(TARGET + "ListDeployments", "{\"deployments\":[\"d-ABC123\"]}")
        .on(TARGET + "GetDeployment", deployment("InProgress", ""))
        .on(TARGET + "GetDeployment", deployment("Succeeded", ""));
    try (ActivityTesting t = new ActivityTesting(new AwsTrafficActivitiesImpl(http.clients(CONFIG), CONFIG))) {
      var s = t.stub(TrafficActivities.class).shiftTraffic(
          new TrafficShift("taxi-prod", Map.of("v1", 0, "v2", 100), "promote"));
      assertThat(s.weights()).isEqualTo(Map.of("v2", 100));
      assertThat(t.heartbeats).anySatisfy(h -> assertThat(h).contains("InProgress"));
    }
    assertThat(http.bodiesOf(TARGET + "CreateDeployment")).isEmpty();
  }

  @Test
  void rollbackStopsTheDeploymentWithAutoRollback() {
    RecordedHttpClient http = new RecordedHttpClient()
        .on(ALIAS, alias("3", "4", 0.1)).on(ALIAS, alias("3", null, 0))
        .on(VERSIONS, VERSION_LIST)
        .on(TARGET + "ListDeployments", "{\"deployments\":[\"d-ABC123\"]}")
        .on(TARGET + "StopDeployment", "{\"status\":\"Pending\",\"statusMessage\":\"Stopping\"}")
        .on(TARGET + "GetDeployment", deployment("Stopped", ",\"rollbackInfo\":{\"rollbackDeploymentId\":\"d-RB\"}"));
    try (ActivityTesting t = new ActivityTesting(new AwsTrafficActivitiesImpl(http.clients(CONFIG), CONFIG))) {
      var s = t.stub(TrafficActivities.class).shiftTraffic(
          new TrafficShift("taxi-prod", Map.of("v1", 100, "v2", 0), "alarm taxi-prod-v2-5xx"));
      assertThat(s.weights()).isEqualTo(Map.of("v1", 100));
    }
    assertThat(http.bodiesOf(TARGET + "StopDeployment")).singleElement().asString()
        .contains("\"deploymentId\":\"d-ABC123\"").contains("\"autoRollbackEnabled\":true");
  }

  @Test
  void aFailedDeploymentIsStateMismatchWithCodeDeploysReason() {
    RecordedHttpClient http = new RecordedHttpClient()
        .on(ALIAS, alias("3", "4", 0.1))
        .on(VERSIONS, VERSION_LIST)
        .on(TARGET + "ListDeployments", "{\"deployments\":[\"d-ABC123\"]}")
        .on(TARGET + "GetDeployment", deployment("Failed", ",\"errorInformation\":{\"code\":\"ALARM_ACTIVE\","
            + "\"message\":\"One or more alarms have been activated\"},\"rollbackInfo\":{\"rollbackDeploymentId\":\"d-RB\"}"));
    try (ActivityTesting t = new ActivityTesting(new AwsTrafficActivitiesImpl(http.clients(CONFIG), CONFIG))) {
      ApplicationFailure f = ActivityTesting.failure(() -> t.stub(TrafficActivities.class).shiftTraffic(
          new TrafficShift("taxi-prod", Map.of("v1", 0, "v2", 100), "promote")));
      assertThat(f.getType()).isEqualTo(Failures.STATE_MISMATCH);
      assertThat(f.getOriginalMessage()).contains("ended Failed and was rolled back").contains("ALARM_ACTIVE");
    }
  }
}
