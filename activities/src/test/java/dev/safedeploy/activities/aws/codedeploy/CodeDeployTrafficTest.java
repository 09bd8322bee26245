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
      AwsBackendConfig.TrafficMode.CODEDEPLOY, new CodeDeployTarget("safedeploy-taxi-api", "taxi-api-group",
          "safedeploy-taxi-fn", "live",
          "taxi-pre-hook", "taxi-post-hook"));
  private static final String ALIAS = "GET /2015-03-31/functions/safedeploy-taxi-fn/aliases/live";
  private static final String VERSIONS = "GET /2015-03-31/functions/safedeploy-taxi-fn/versions";

  private static String alias(String version, String routedVersion, double weight) {
    return "{\"AliasArn\":\"arn:aws:lambda:us-east-1:1:function:safedeploy-taxi-fn:live\",\"Name\":\"live\","
        + "\"FunctionVersion\":\""
        + version + "\"" + (routedVersion == null ? "" : ",\"RoutingConfig\":{\"AdditionalVersionWeights\":{\""
        + routedVersion + "\":" + weight + "}}") + "}";
  }

  private static final String VERSION_LIST = """
      {"Versions":[{"FunctionName":"safedeploy-taxi-fn","Version":"$LATEST","Description":""},
                   {"FunctionName":"safedeploy-taxi-fn","Version":"3","Description":"safedeploy variant v1"},
                   {"FunctionName":"safedeploy-taxi-fn","Version":"4","Description":"safedeploy variant v2"}]}""";

  private static String deployment(String status, String extra) {
    return "{\"deploymentInfo\":{\"deploymentId\":\"d-ABC123\",\"applicationName\":\"safedeploy-taxi-api\","
        + "\"status\":\""
        + status + "\"" + extra + "}}";
  }

  private static final String TARGET = "CodeDeploy_20141006.";
  private static final String CONFIGURATION = "GET /2015-03-31/functions/safedeploy-taxi-fn/configuration";
  private static final String DESCRIBE = "SageMaker.DescribeEndpoint";
  private static final String WEIGHTS = "SageMaker.UpdateEndpointWeightsAndCapacities";

  private static String version(String state) {
    return "{\"FunctionName\":\"safedeploy-taxi-fn\",\"Version\":\"4\",\"State\":\"" + state + "\""
        + ("Pending".equals(state) ? ",\"StateReasonCode\":\"Creating\"" : "") + "}";
  }

  /** The prod endpoint with blue v1 and green v2 at the given weights. */
  private static String endpoint(float v1, float v2) {
    return "{\"EndpointName\":\"taxi-prod\",\"EndpointArn\":\"arn:aws:sagemaker:us-east-1:1:endpoint/taxi-prod\","
        + "\"EndpointConfigName\":\"c1\",\"EndpointStatus\":\"InService\",\"CreationTime\":1764170000.0,"
        + "\"LastModifiedTime\":1764170100.0,\"ProductionVariants\":[{\"VariantName\":\"v1\",\"CurrentWeight\":"
        + v1 + ",\"CurrentInstanceCount\":2},{\"VariantName\":\"v2\",\"CurrentWeight\":" + v2
        + ",\"CurrentInstanceCount\":2}]}";
  }

  private static RecordedHttpClient endpointMoves(RecordedHttpClient http, float[] from, float[] to) {
    return http.on(DESCRIBE, endpoint(from[0], from[1])).on(DESCRIBE, endpoint(to[0], to[1]))
        .on(WEIGHTS, "{\"EndpointArn\":\"arn:aws:sagemaker:us-east-1:1:endpoint/taxi-prod\"}");
  }

  private static int lastIndexOf(RecordedHttpClient http, String op, String bodyContains) {
    for (int i = http.calls.size() - 1; i >= 0; i--) {
      if (http.calls.get(i).operation().equals(op) && http.calls.get(i).body().contains(bodyContains)) {
        return i;
      }
    }
    return -1;
  }

  @Test
  void canaryCreatesTheDeploymentAndConfirmsTheAliasRouting() {
    RecordedHttpClient http = new RecordedHttpClient()
        .on(ALIAS, alias("3", null, 0)).on(ALIAS, alias("3", "4", 0.1))
        .on(VERSIONS, VERSION_LIST)
        .on(TARGET + "ListDeployments", "{\"deployments\":[]}")
        .on(TARGET + "CreateDeployment", "{\"deploymentId\":\"d-ABC123\"}")
        .on(TARGET + "GetDeployment", deployment("InProgress", ""))
        // a SnapStart version is Pending until its snapshot is ready: no deployment before it is Active
        .on(CONFIGURATION, version("Pending")).on(CONFIGURATION, version("Active"));
    endpointMoves(http, new float[] {1f, 0f}, new float[] {0.9f, 0.1f});
    try (ActivityTesting t = new ActivityTesting(new AwsTrafficActivitiesImpl(http.clients(CONFIG), CONFIG))) {
      var s = t.stub(TrafficActivities.class).shiftTraffic(
          new TrafficShift("taxi-prod", Map.of("v1", 90, "v2", 10), "canary"));
      assertThat(s.weights()).isEqualTo(Map.of("v1", 90, "v2", 10));
    }
    assertThat(lastIndexOf(http, CONFIGURATION, "")).as("version Active before the deployment")
        .isLessThan(lastIndexOf(http, TARGET + "CreateDeployment", ""));
    assertThat(http.calls.stream().filter(c -> c.operation().equals(CONFIGURATION)).count()).isEqualTo(2);
    // the AppSpec names both lifecycle hooks, or CodeDeploy runs none
    assertThat(http.bodiesOf(TARGET + "CreateDeployment")).singleElement().asString()
        .contains("\\\"Hooks\\\":[{\\\"BeforeAllowTraffic\\\":\\\"taxi-pre-hook\\\"},"
            + "{\\\"AfterAllowTraffic\\\":\\\"taxi-post-hook\\\"}]");
    assertThat(http.bodiesOf(WEIGHTS)).singleElement().asString()
        .contains("\"VariantName\":\"v1\",\"DesiredWeight\":90.0").contains("\"VariantName\":\"v2\",\"DesiredWeight\":10.0");
    assertThat(http.bodiesOf(TARGET + "CreateDeployment")).singleElement().asString()
        .contains("\"applicationName\":\"safedeploy-taxi-api\"").contains("\"deploymentGroupName\":\"taxi-api-group\"")
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
        .on(TARGET + "GetDeployment", deployment("Succeeded", ""))
        .on(CONFIGURATION, version("Active"));
    endpointMoves(http, new float[] {0.9f, 0.1f}, new float[] {0f, 1f});
    try (ActivityTesting t = new ActivityTesting(new AwsTrafficActivitiesImpl(http.clients(CONFIG), CONFIG))) {
      var s = t.stub(TrafficActivities.class).shiftTraffic(
          new TrafficShift("taxi-prod", Map.of("v1", 0, "v2", 100), "promote"));
      assertThat(s.weights()).isEqualTo(Map.of("v2", 100));
      assertThat(t.heartbeats).anySatisfy(h -> assertThat(h).contains("InProgress"));
    }
    assertThat(http.bodiesOf(TARGET + "CreateDeployment")).isEmpty();
    // promoted on the endpoint too: once blue is retired, green alone must not be left at weight 0
    assertThat(http.bodiesOf(WEIGHTS)).singleElement().asString()
        .contains("\"VariantName\":\"v2\",\"DesiredWeight\":100.0");
  }

  @Test
  void rollbackStopsTheDeploymentAndWaitsForTheRollbackDeploymentBeforeCheckingTheAlias() {
    RecordedHttpClient http = new RecordedHttpClient()
        .on(ALIAS, alias("3", "4", 0.1)).on(ALIAS, alias("3", null, 0))
        .on(VERSIONS, VERSION_LIST)
        .on(TARGET + "ListDeployments", "{\"deployments\":[\"d-ABC123\"]}")
        .on(TARGET + "StopDeployment", "{\"status\":\"Pending\",\"statusMessage\":\"Stopping\"}")
        .onMatching(TARGET + "GetDeployment", "d-ABC123", deployment("InProgress", ""))
        .onMatching(TARGET + "GetDeployment", "d-ABC123", deployment("Stopped", ""))
        .onMatching(TARGET + "GetDeployment", "d-ABC123",
            deployment("Stopped", ",\"rollbackInfo\":{\"rollbackDeploymentId\":\"d-RB\"}"))
        .onMatching(TARGET + "GetDeployment", "d-RB", deployment("InProgress", ""))
        .onMatching(TARGET + "GetDeployment", "d-RB", deployment("Succeeded", ""));
    endpointMoves(http, new float[] {0.9f, 0.1f}, new float[] {1f, 0f});
    try (ActivityTesting t = new ActivityTesting(new AwsTrafficActivitiesImpl(http.clients(CONFIG), CONFIG))) {
      var s = t.stub(TrafficActivities.class).shiftTraffic(
          new TrafficShift("taxi-prod", Map.of("v1", 100, "v2", 0), "alarm taxi-prod-v2-5xx"));
      assertThat(s.weights()).isEqualTo(Map.of("v1", 100));
    }
    assertThat(http.bodiesOf(TARGET + "StopDeployment")).singleElement().asString()
        .contains("\"deploymentId\":\"d-ABC123\"").contains("\"autoRollbackEnabled\":true");
    int rollbackDone = lastIndexOf(http, TARGET + "GetDeployment", "d-RB");
    assertThat(rollbackDone).as("the rollback deployment was followed").isPositive();
    assertThat(lastIndexOf(http, ALIAS, "")).as("the alias checked after the rollback deployment succeeded")
        .isGreaterThan(rollbackDone);
    assertThat(http.bodiesOf(WEIGHTS)).singleElement().asString()
        .contains("\"VariantName\":\"v1\",\"DesiredWeight\":100.0");
  }

  /** CodeDeploy already rolling back (its alarms fired): that deployment is followed, not stopped. */
  @Test
  void aRollbackDeploymentInFlightIsFollowedNotStopped() {
    RecordedHttpClient http = new RecordedHttpClient()
        .on(ALIAS, alias("3", "4", 0.1)).on(ALIAS, alias("3", null, 0))
        .on(VERSIONS, VERSION_LIST)
        .on(TARGET + "ListDeployments", "{\"deployments\":[\"d-RB\"]}")
        .onMatching(TARGET + "GetDeployment", "d-RB",
            deployment("InProgress", ",\"rollbackInfo\":{\"rollbackTriggeringDeploymentId\":\"d-ABC123\"}"))
        .onMatching(TARGET + "GetDeployment", "d-RB",
            deployment("Succeeded", ",\"rollbackInfo\":{\"rollbackTriggeringDeploymentId\":\"d-ABC123\"}"));
    endpointMoves(http, new float[] {0.9f, 0.1f}, new float[] {1f, 0f});
    try (ActivityTesting t = new ActivityTesting(new AwsTrafficActivitiesImpl(http.clients(CONFIG), CONFIG))) {
      t.stub(TrafficActivities.class).shiftTraffic(new TrafficShift("taxi-prod", Map.of("v1", 100, "v2", 0),
          "alarm"));
    }
    assertThat(http.bodiesOf(TARGET + "StopDeployment")).isEmpty();
  }

  @Test
  void aFailedDeploymentIsStateMismatchWithCodeDeploysReason() {
    RecordedHttpClient http = new RecordedHttpClient()
        .on(ALIAS, alias("3", "4", 0.1))
        .on(VERSIONS, VERSION_LIST)
        .on(TARGET + "ListDeployments", "{\"deployments\":[\"d-ABC123\"]}")
        .on(TARGET + "GetDeployment", deployment("Failed", ",\"errorInformation\":{\"code\":\"ALARM_ACTIVE\","
            + "\"message\":\"One or more alarms have been activated\"},\"rollbackInfo\":{\"rollbackDeploymentId\":\"d-RB\"}"))
        .on(CONFIGURATION, version("Active"));
    try (ActivityTesting t = new ActivityTesting(new AwsTrafficActivitiesImpl(http.clients(CONFIG), CONFIG))) {
      ApplicationFailure f = ActivityTesting.failure(() -> t.stub(TrafficActivities.class).shiftTraffic(
          new TrafficShift("taxi-prod", Map.of("v1", 0, "v2", 100), "promote")));
      assertThat(f.getType()).isEqualTo(Failures.STATE_MISMATCH);
      assertThat(f.getOriginalMessage()).contains("ended Failed and was rolled back").contains("ALARM_ACTIVE");
    }
  }
}
