package dev.safedeploy.workflows.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PipelineRequestTest {

  private static final DataLocations DATA = new DataLocations("s3://b/train", "s3://b/validation", "s3://b/test",
      "s3://b/baseline.csv");

  private static PipelineRequest request(String model, String version) {
    return new PipelineRequest(model, version, DATA, null, "alice", null);
  }

  @Test
  void defaultsAreTheSeeds() {
    PipelineRequest r = request("nyctaxi", "v1");
    assertThat(r.problems()).isEmpty();
    assertThat(r.hyperparameters()).containsExactly(Map.entry("max_depth", "9"), Map.entry("eta", "0.2"),
        Map.entry("gamma", "4"), Map.entry("min_child_weight", "300"), Map.entry("subsample", "0.8"),
        Map.entry("objective", "reg:squarederror"), Map.entry("early_stopping_rounds", "10"),
        Map.entry("num_round", "100"));
    DeploymentPolicy p = r.policy();
    assertThat(p.strategy()).isEqualTo(Strategy.CANARY);
    assertThat(p.canaryPercent()).isEqualTo(10);
    assertThat(p.bake()).isEqualTo(Duration.ofMinutes(5));
    assertThat(p.approvalTimeout()).isEqualTo(Duration.ofDays(7));
    assertThat(p.fourEyes()).isTrue();
    assertThat(p.rmseThreshold()).isEqualTo(10.0);
    assertThat(p.driftThreshold()).isEqualTo(0.20);
    assertThat(r.workflowId()).isEqualTo("deploy-nyctaxi-v1");
    assertThat(r.names().devEndpoint()).isEqualTo("nyctaxi-dev-v1");
  }

  @Test
  void driftThresholdIsADistanceBetweenDistributions() {
    for (double bad : new double[] {0, -0.1, 1.5, Double.NaN}) {
      PipelineRequest r = new PipelineRequest("nyctaxi", "v1", DATA, null, "alice",
          DeploymentPolicy.builder().driftThreshold(bad).build());
      assertThat(r.problems()).singleElement().asString().startsWith("policy.driftThreshold must be in (0, 1]");
    }
    assertThat(new PipelineRequest("nyctaxi", "v1", DATA, null, "alice",
        DeploymentPolicy.builder().driftThreshold(0.3).build()).problems()).isEmpty();
  }

  @Test
  void aRequestRecordedBeforeRetrainCausesStillReads() {
    // as a history recorded by an earlier build holds it: no retrainCause, no driftThreshold
    String json = "{\"model\":\"nyctaxi\",\"version\":\"v1\",\"data\":{\"train\":\"s3://b/train\","
        + "\"validation\":\"s3://b/validation\",\"test\":\"s3://b/test\",\"baseline\":\"s3://b/baseline.csv\"},"
        + "\"hyperparameters\":{\"max_depth\":\"5\"},\"requestedBy\":\"alice\",\"policy\":{\"strategy\":\"LINEAR\"}}";
    io.temporal.api.common.v1.Payload payload = io.temporal.api.common.v1.Payload.newBuilder()
        .putMetadata("encoding", com.google.protobuf.ByteString.copyFromUtf8("json/plain"))
        .setData(com.google.protobuf.ByteString.copyFromUtf8(json)).build();
    PipelineRequest r = io.temporal.common.converter.DefaultDataConverter.STANDARD_INSTANCE.fromPayload(payload,
        PipelineRequest.class, PipelineRequest.class);
    assertThat(r.retrainCause()).isNull();
    assertThat(r.hyperparameters()).containsEntry("max_depth", "5");
    assertThat(r.policy().strategy()).isEqualTo(Strategy.LINEAR);
    assertThat(r.policy().driftThreshold()).isEqualTo(0.20);
    assertThat(r.problems()).isEmpty();
    // and a retrain's request goes there and back whole
    PipelineRequest retrain = new PipelineRequest("nyctaxi", "v2", DATA, null, "alarm:a", null,
        new RetrainCause("ALARM", "a", 0.44, "most recent 0.44", null, null, java.time.Instant.EPOCH,
            "drift alarm a at 0.44"));
    var converter = io.temporal.common.converter.DefaultDataConverter.STANDARD_INSTANCE;
    assertThat(converter.fromPayload(converter.toPayload(retrain).orElseThrow(), PipelineRequest.class,
        PipelineRequest.class)).isEqualTo(retrain);
  }

  @Test
  void overridesKeepTheOtherDefaults() {
    PipelineRequest r = new PipelineRequest("nyctaxi", "v1", DATA, Map.of("max_depth", "5"), "alice", null);
    assertThat(r.hyperparameters()).containsEntry("max_depth", "5").containsEntry("eta", "0.2");
  }

  @Test
  void unknownHyperparametersAreRefused() {
    PipelineRequest r = new PipelineRequest("nyctaxi", "v1", DATA, Map.of("max_dpeth", "5", "colsample_bytree", "0.5"),
        "alice", null);
    assertThat(r.problems()).singleElement().asString().startsWith("unknown hyperparameter 'max_dpeth'")
        .contains("max_depth");
  }

  @ParameterizedTest
  @ValueSource(strings = {"NYC", "nyc_taxi", "-nyc", "nyc-", "a-very-long-model-name", " "})
  void modelNamesAreValidatedLikeTheSeed(String model) {
    assertThat(request(model, "v1").problems()).singleElement().asString().startsWith("model '");
  }

  @ParameterizedTest
  @ValueSource(strings = {"a", "nyctaxi", "nyc-taxi", "nyc--taxi2", "123456789012345"})
  void goodModelNames(String model) {
    assertThat(request(model, "v1").problems()).isEmpty();
  }

  @Test
  void badVersionsAreRefused() {
    assertThat(request("nyctaxi", "V1").problems()).singleElement().asString().contains("version 'V1'");
    assertThat(request("nyctaxi", "v1.2").problems()).singleElement().asString().contains("version 'v1.2'");
    assertThat(request("nyctaxi", null).problems()).containsExactly("version is required");
  }

  @Test
  void hyperparametersOutOfRangeAreNamed() {
    PipelineRequest r = new PipelineRequest("nyctaxi", "v1", DATA,
        Map.of("eta", "0", "subsample", "1.5", "num_round", "ten", "objective", "binary:logistic"), "alice", null);
    assertThat(r.problems()).hasSize(4).contains(
        "hyperparameter eta must be in (0.0, 1.0], got 0",
        "hyperparameter subsample must be in (0.0, 1.0], got 1.5",
        "hyperparameter num_round must be an integer, got 'ten'");
    assertThat(r.problems()).anySatisfy(p -> assertThat(p).startsWith("hyperparameter objective must be one of")
        .endsWith("got 'binary:logistic'"));
  }

  @Test
  void validatedThrowsWithEveryProblem() {
    assertThatThrownBy(() -> new PipelineRequest("BAD", "v1", null, null, null, null).validated())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("model 'BAD'").hasMessageContaining("data is required")
        .hasMessageContaining("requestedBy is required");
  }

  @Test
  void trafficStepsPerStrategy() {
    assertThat(DeploymentPolicy.defaults().trafficSteps()).containsExactly(10, 100);
    assertThat(DeploymentPolicy.builder().strategy(Strategy.LINEAR).linearStepPercent(30).build().trafficSteps())
        .containsExactly(30, 60, 90, 100);
    assertThat(DeploymentPolicy.builder().strategy(Strategy.ALL_AT_ONCE).build().trafficSteps()).containsExactly(100);
  }

  @Test
  void policyProblems() {
    DeploymentPolicy p = DeploymentPolicy.builder().canaryPercent(100).bake(Duration.ofSeconds(-1))
        .alarmPollInterval(Duration.ZERO).rmseThreshold(-1).approvers(List.of(" ")).build();
    assertThat(new PipelineRequest("nyctaxi", "v1", DATA, null, "alice", p).problems()).containsExactlyInAnyOrder(
        "policy.canaryPercent must be in [1, 99], got 100",
        "policy.bake must not be negative, got PT-1S",
        "policy.alarmPollInterval must be positive, got PT0S",
        "policy.rmseThreshold must be a positive number, got -1.0",
        "policy.approvers must not contain blank names");
  }

  @Test
  void errorRatePolicy() {
    assertThat(DeploymentPolicy.defaults().errorRateThreshold()).isNull();
    assertThat(DeploymentPolicy.defaults().errorRateMinSamples()).isEqualTo(20);
    DeploymentPolicy bad = DeploymentPolicy.builder().errorRateThreshold(1.5).errorRateMinSamples(0).build();
    assertThat(new PipelineRequest("nyctaxi", "v1", DATA, null, "alice", bad).problems()).containsExactlyInAnyOrder(
        "policy.errorRateThreshold must be a fraction in (0, 1], got 1.5",
        "policy.errorRateMinSamples must be at least 1, got 0");
    DeploymentPolicy good = DeploymentPolicy.builder().errorRateThreshold(0.05).build();
    assertThat(new PipelineRequest("nyctaxi", "v1", DATA, null, "alice", good).problems()).isEmpty();
  }
}
