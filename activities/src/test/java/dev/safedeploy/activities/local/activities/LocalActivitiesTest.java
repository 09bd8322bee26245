package dev.safedeploy.activities.local.activities;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.safedeploy.activities.local.LocalBackend;
import dev.safedeploy.activities.local.LocalBackendConfig;
import dev.safedeploy.platform.client.PlatformClient;
import dev.safedeploy.platform.client.PlatformClientException;
import dev.safedeploy.platform.control.LocalPlatform;
import dev.safedeploy.platform.testing.TestModels;
import dev.safedeploy.workflows.activities.AlarmActivities;
import dev.safedeploy.workflows.activities.BaselineActivities;
import dev.safedeploy.workflows.activities.EndpointActivities;
import dev.safedeploy.workflows.activities.EndpointActivities.EndpointSpec;
import dev.safedeploy.workflows.activities.EndpointActivities.ModelDeletion;
import dev.safedeploy.workflows.activities.EndpointActivities.ModelRef;
import dev.safedeploy.workflows.activities.EndpointActivities.ModelSpec;
import dev.safedeploy.workflows.activities.EndpointActivities.VariantChange;
import dev.safedeploy.workflows.activities.EndpointActivities.VariantSpec;
import dev.safedeploy.workflows.activities.EndpointActivities.VariantState;
import dev.safedeploy.workflows.activities.Failures;
import dev.safedeploy.workflows.activities.HookActivities;
import dev.safedeploy.workflows.activities.HookActivities.HookRequest;
import dev.safedeploy.workflows.activities.MonitoringActivities;
import dev.safedeploy.workflows.activities.NotificationActivities;
import dev.safedeploy.workflows.activities.TrafficActivities;
import dev.safedeploy.workflows.activities.TrainingActivities;
import dev.safedeploy.workflows.json.JsonMapping;
import dev.safedeploy.workflows.pipeline.AlarmSignal;
import dev.safedeploy.workflows.pipeline.ResourceNames;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestActivityEnvironment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/** Every local adapter against a real running platform, in the order the pipeline calls them. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LocalActivitiesTest {
  @TempDir static Path home;
  static TestModels models;
  static LocalPlatform platform;
  static PlatformClient client;
  static TestActivityEnvironment env;
  static LocalBackendConfig config;
  static final ResourceNames v1 = new ResourceNames("taxi", "v1");
  static final ResourceNames v2 = new ResourceNames("taxi", "v2");
  static TrainingActivities.TrainingResult trained;
  static BaselineActivities.BaselineResult baseline;

  @BeforeAll
  static void start() {
    models = TestModels.get();
    platform = LocalPlatform.start(TestModels.platformConfig(home.resolve("platform")).withDataRoots(List.of(home)));
    client = PlatformClient.forHome(platform.url(), platform.home());
    config = LocalBackendConfig.of(platform.url().toString(), platform.home()).withAlarmPeriod(Duration.ofSeconds(2))
        .withMonitoringInterval(Duration.ofSeconds(1));
    env = TestActivityEnvironment.newInstance();
    env.registerActivitiesImplementations(LocalBackend.activities(config).toArray());
  }

  @AfterAll
  static void stop() {
    env.close();
    platform.close();
  }

  static <T> T stub(Class<T> type) {
    return env.newActivityStub(type, ActivityOptions.newBuilder().setStartToCloseTimeout(Duration.ofMinutes(2))
        .setHeartbeatTimeout(Duration.ofSeconds(30))
        .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build()).build());
  }

  static String uri(Path p) {
    return p.toUri().toString();
  }

  static ApplicationFailure applicationFailure(Throwable t) {
    assertThat(t).isInstanceOf(ActivityFailure.class);
    assertThat(t.getCause()).isInstanceOf(ApplicationFailure.class);
    return (ApplicationFailure) t.getCause();
  }

  @Test
  @Order(1)
  void trainingCreatesOnceAndARetryAdopts() {
    TrainingActivities training = stub(TrainingActivities.class);
    TrainingActivities.TrainingRequest req = new TrainingActivities.TrainingRequest(v1.trainingJob(), "taxi", "v1",
        uri(models.data.train()), uri(models.data.validation()), Map.of("num_round", "10", "min_child_weight", "10"),
        "alice");
    trained = training.train(req);
    assertThat(trained.validationRmse()).isPositive().isLessThan(10);
    assertThat(trained.artifactUri()).startsWith("file:").endsWith("model.tar.gz");
    assertThat(Path.of(java.net.URI.create(trained.artifactUri()))).isRegularFile();
    assertThat(trained.rounds()).isBetween(1, 10);
    TrainingActivities.TrainingResult again = training.train(req);
    assertThat(again).isEqualTo(trained);
    JsonNode inv = client.inventory();
    assertThat(inv.at("/trainingJobs/items/taxi-v1-train/created").asInt()).isEqualTo(1);
    assertThat(inv.at("/trainingJobs/items/taxi-v1-train/adopted").asInt()).isEqualTo(1);
  }

  @Test
  @Order(2)
  void trainingOnMissingDataFailsAsBadData() {
    TrainingActivities training = stub(TrainingActivities.class);
    assertThatThrownBy(() -> training.train(new TrainingActivities.TrainingRequest("taxi-v0-train", "taxi", "v0",
        uri(home.resolve("missing.csv")), uri(home.resolve("missing.csv")), Map.of(), "alice")))
        .satisfies(t -> {
          ApplicationFailure f = applicationFailure(t);
          assertThat(f.getType()).isEqualTo(Failures.BAD_DATA);
          assertThat(f.isNonRetryable()).isTrue();
          assertThat(f.getOriginalMessage()).contains("missing.csv");
        });
  }

  @Test
  @Order(3)
  void baselineWritesModelMonitorFiles() throws Exception {
    baseline = stub(BaselineActivities.class).createBaseline(new BaselineActivities.BaselineRequest(
        v1.baselineJob(), "taxi", "v1", uri(models.data.baseline())));
    Path stats = Path.of(java.net.URI.create(baseline.statisticsUri()));
    JsonNode s = JsonMapping.mapper().readTree(stats.toFile());
    assertThat(s.path("features")).extracting(f -> f.path("name").asText())
        .containsExactly("total_amount", "duration_minutes", "passenger_count", "trip_distance");
    assertThat(Path.of(java.net.URI.create(baseline.constraintsUri()))).isRegularFile();
  }

  @Test
  @Order(4)
  void devEndpointDeploysAndPassesItsSmokeTest() {
    EndpointActivities endpoints = stub(EndpointActivities.class);
    String model = endpoints.createModel(new ModelSpec(v1.modelName(), "taxi", "v1", trained.artifactUri(),
        trained.validationRmse()));
    assertThat(endpoints.createModel(new ModelSpec(v1.modelName(), "taxi", "v1", trained.artifactUri(),
        trained.validationRmse()))).isEqualTo(model);
    EndpointSpec dev = new EndpointSpec(v1.devEndpoint(), "taxi",
        List.of(new VariantSpec("AllTraffic", model, "v1", 1, 1, "local")), false);
    EndpointActivities.EndpointState s = endpoints.deployEndpoint(dev);
    assertThat(s.status()).isEqualTo("InService");
    assertThat(endpoints.deployEndpoint(dev)).isEqualTo(s);
    HookActivities.HookResult smoke = stub(HookActivities.class).smokeTest(
        new HookRequest(v1.devEndpoint(), null, uri(models.data.test()), 20, 2_000));
    assertThat(smoke.passed()).as(smoke.reason()).isTrue();
    assertThat(smoke.invocations()).isEqualTo(20);
    endpoints.deleteEndpoint(v1.devEndpoint());
    endpoints.deleteEndpoint(v1.devEndpoint());
    assertThat(client.endpoint(v1.devEndpoint())).isNull();
    // production does not serve v1 yet, so its model went with its dev endpoint (as the AWS dev stack's does)
    assertThatThrownBy(() -> client.model(v1.modelName())).isInstanceOfSatisfying(PlatformClientException.class,
        e -> assertThat(e.notFound()).isTrue());
    assertThat(endpoints.createModel(new ModelSpec(v1.modelName(), "taxi", "v1", trained.artifactUri(),
        trained.validationRmse()))).isEqualTo(model);
  }

  @Test
  @Order(5)
  void firstProductionDeploymentCreatesTheEndpointWithCapture() {
    EndpointActivities endpoints = stub(EndpointActivities.class);
    assertThat(endpoints.describeProduction("taxi", v1.prodEndpoint()).exists()).isFalse();
    EndpointActivities.EndpointState s = endpoints.addVariant(new VariantChange(v1.prodEndpoint(), "taxi",
        new VariantSpec("v1", v1.modelName(), "v1", 100, 1, "local")));
    assertThat(s.variants()).containsExactly(new VariantState("v1", v1.modelName(), "v1", 100));
    assertThat(client.endpoint(v1.prodEndpoint()).dataCapture().enabled()).isTrue();
    EndpointActivities.ProductionState prod = endpoints.describeProduction("taxi", v1.prodEndpoint());
    assertThat(prod.liveVersion()).isEqualTo("v1");
    assertThat(prod.liveRmse()).isEqualTo(trained.validationRmse());
  }

  @Test
  @Order(6)
  void aCanaryOfABrokenModelFiresItsAlarmAndRollsBack() {
    EndpointActivities endpoints = stub(EndpointActivities.class);
    endpoints.createModel(new ModelSpec(v2.modelName(), "taxi", "v2", uri(models.wrongLayout.artifact()), 1.5));
    endpoints.addVariant(new VariantChange(v2.prodEndpoint(), "taxi",
        new VariantSpec("v2", v2.modelName(), "v2", 0, 1, "local")));
    // the pre-traffic hook invokes green directly and sees it cannot answer live rows
    HookActivities.HookResult pre = stub(HookActivities.class).preTraffic(
        new HookRequest(v2.prodEndpoint(), "v2", uri(models.data.test()), 5, 2_000));
    assertThat(pre.passed()).isFalse();
    assertThat(pre.reason()).contains("HTTP 500").contains("expects 4 features");

    AlarmActivities alarms = stub(AlarmActivities.class);
    AlarmActivities.AlarmWatch watch = new AlarmActivities.AlarmWatch("deploy-taxi-v2", "taxi", "v2",
        v2.prodEndpoint(), "v2", List.of());
    List<String> names = alarms.watchAlarms(watch);
    assertThat(names).containsExactly("taxi-prod-v2-5xx", "taxi-prod-v2-latency-p99");
    assertThat(alarms.watchAlarms(watch)).isEqualTo(names);
    assertThat(client.alarm("taxi-prod-v2-5xx").state().watchers()).containsExactly("deploy-taxi-v2");
    assertThat(alarms.missingAlarms(List.of("taxi-prod-v2-5xx", "taxi-prod-v2-5xxx"))).containsExactly(
        "taxi-prod-v2-5xxx");

    TrafficActivities traffic = stub(TrafficActivities.class);
    assertThatThrownBy(() -> traffic.shiftTraffic(new TrafficActivities.TrafficShift(
        v2.prodEndpoint(), Map.of("v1", 100), "partial"))).satisfies(t -> {
          assertThat(applicationFailure(t).getType()).isEqualTo(Failures.BAD_DATA);
          assertThat(applicationFailure(t).getOriginalMessage()).contains("[v2] unnamed");
        });
    TrafficActivities.TrafficState shifted = traffic.shiftTraffic(new TrafficActivities.TrafficShift(
        v2.prodEndpoint(), Map.of("v1", 90, "v2", 10), "canary 10%"));
    assertThat(shifted.weights()).containsEntry("v1", 90).containsEntry("v2", 10);
    assertThat(shifted.confirmedAt()).isNotNull();
    for (int i = 0; i < 5; i++) {
      client.invoke(v2.prodEndpoint(), "v2", "text/csv", models.sampleRow().getBytes());
    }
    List<AlarmSignal> firing = List.of();
    for (int i = 0; i < 100 && firing.isEmpty(); i++) {
      firing = alarms.pollAlarms(names);
      sleep(50);
    }
    assertThat(firing).extracting(AlarmSignal::alarmName).contains("taxi-prod-v2-5xx");
    assertThat(firing.get(0).signalsAlarm()).isTrue();

    TrafficActivities.TrafficState back = traffic.shiftTraffic(new TrafficActivities.TrafficShift(
        v2.prodEndpoint(), Map.of("v1", 100, "v2", 0), "rollback"));
    assertThat(back.confirmedAt()).isAfterOrEqualTo(firing.get(0).transitionedAt());
    alarms.unwatchAlarms(watch);
    assertThat(client.alarm("taxi-prod-v2-5xx").state().watchers()).isEmpty();
    EndpointActivities.EndpointState after = endpoints.removeVariant(v2.prodEndpoint(), "v2");
    assertThat(after.variants()).extracting(VariantState::variantName).containsExactly("v1");
    assertThat(endpoints.removeVariant(v2.prodEndpoint(), "v2").variants()).hasSize(1);
    JsonNode inv = client.inventory();
    assertThat(inv.at("/endpoints/items/taxi-prod/variants/v2/created").asInt()).isEqualTo(1);
    assertThat(inv.at("/endpoints/items/taxi-prod/variants/v2/deleted").asInt()).isEqualTo(1);
    // v2 left production: its canary alarms go, twice is fine
    alarms.deleteCanaryAlarms(watch);
    alarms.deleteCanaryAlarms(watch);
    assertThat(client.alarm("taxi-prod-v2-5xx")).isNull();
    assertThat(client.alarm("taxi-prod-v2-latency-p99")).isNull();
    // v2's model serves nothing now: it goes, twice is fine; v1's serves production: kept, and the platform itself
    // refuses to delete a model an endpoint serves
    assertThat(endpoints.deleteModel(new ModelRef(v2.modelName(), "taxi", "v2")))
        .isEqualTo(new ModelDeletion(v2.modelName(), true, null));
    assertThatThrownBy(() -> client.model(v2.modelName())).isInstanceOfSatisfying(PlatformClientException.class,
        e -> assertThat(e.notFound()).isTrue());
    assertThat(endpoints.deleteModel(new ModelRef(v2.modelName(), "taxi", "v2")).gone()).isTrue();
    assertThat(client.inventory().at("/models/items/" + v2.modelName() + "/deleted").asInt()).isEqualTo(1);
    assertThat(endpoints.deleteModel(new ModelRef(v1.modelName(), "taxi", "v1")))
        .isEqualTo(new ModelDeletion(v1.modelName(), false, v1.prodEndpoint()));
    assertThatThrownBy(() -> client.deleteModel(v1.modelName())).isInstanceOfSatisfying(
        PlatformClientException.class, e -> {
          assertThat(e.type()).isEqualTo("Conflict");
          assertThat(e.getMessage()).contains("served by endpoint " + v1.prodEndpoint());
        });
    // asked as another model's: neither of its endpoints serves it, the platform's refusal keeps it all the same
    ModelDeletion elsewhere = endpoints.deleteModel(new ModelRef(v1.modelName(), "other", "v1"));
    assertThat(elsewhere.gone()).isFalse();
    assertThat(elsewhere.keptFor()).startsWith("another endpoint (").contains(v1.prodEndpoint());
    assertThat(client.model(v1.modelName())).isNotNull();
    // a dev endpoint of a version production serves: the endpoint goes, the model stays
    endpoints.deployEndpoint(new EndpointSpec(v1.devEndpoint(), "taxi",
        List.of(new VariantSpec("AllTraffic", v1.modelName(), "v1", 1, 1, "local")), false));
    endpoints.deleteEndpoint(v1.devEndpoint());
    assertThat(client.endpoint(v1.devEndpoint())).isNull();
    assertThat(client.model(v1.modelName())).isNotNull();
  }

  @Test
  @Order(7)
  void invalidShiftsAndUnknownAlarmsFailNonRetryably() {
    assertThatThrownBy(() -> stub(TrafficActivities.class).shiftTraffic(new TrafficActivities.TrafficShift(
        v1.prodEndpoint(), Map.of("v1", 90), "bad"))).satisfies(t ->
        assertThat(applicationFailure(t).getType()).isEqualTo(Failures.BAD_DATA));
    assertThatThrownBy(() -> stub(TrafficActivities.class).shiftTraffic(new TrafficActivities.TrafficShift(
        v1.prodEndpoint(), Map.of("v1", 50, "ghost", 50), "bad"))).satisfies(t ->
        assertThat(applicationFailure(t).getType()).isEqualTo(Failures.NOT_FOUND));
    assertThatThrownBy(() -> stub(AlarmActivities.class).watchAlarms(new AlarmActivities.AlarmWatch("wf", "taxi",
        "v3", v1.prodEndpoint(), "v3", List.of("no-such-alarm")))).satisfies(t ->
        assertThat(applicationFailure(t).getType()).isEqualTo(Failures.NOT_FOUND));
    assertThatThrownBy(() -> stub(EndpointActivities.class).deployEndpoint(new EndpointSpec("taxi-dev-v7", "taxi",
        List.of(new VariantSpec("AllTraffic", "no-such-model", "v7", 1, 1, "local")), false))).satisfies(t ->
        assertThat(applicationFailure(t).getType()).isEqualTo(Failures.NOT_FOUND));
    EndpointActivities endpoints = stub(EndpointActivities.class);
    endpoints.createModel(new ModelSpec("taxi-v8", "taxi", "v8", uri(models.unloadable), 1.0));
    assertThatThrownBy(() -> endpoints.deployEndpoint(new EndpointSpec("taxi-dev-v8", "taxi",
        List.of(new VariantSpec("AllTraffic", "taxi-v8", "v8", 1, 1, "local")), false))).satisfies(t -> {
          ApplicationFailure f = applicationFailure(t);
          assertThat(f.getType()).isEqualTo(Failures.MODEL_LOAD_FAILED);
          assertThat(f.getOriginalMessage()).contains("not a readable tar.gz");
        });
  }

  @Test
  @Order(8)
  void postTrafficHookSeesCaptureAndMonitoringPublishesDrift() throws Exception {
    HookActivities.HookResult post = stub(HookActivities.class).postTraffic(
        new HookRequest(v1.prodEndpoint(), null, uri(models.data.test()), 30, 2_000));
    assertThat(post.passed()).as(post.reason()).isTrue();
    MonitoringActivities.MonitoringResult m = stub(MonitoringActivities.class).enableMonitoring(
        new MonitoringActivities.MonitoringRequest("taxi", "v1", v1.prodEndpoint(), v1.monitoringSchedule(),
            baseline.statisticsUri(), baseline.constraintsUri()));
    // the seed's alarm on the target (measured on the predictions), and one per feature
    assertThat(m.driftAlarmName()).isEqualTo("taxi-prod-drift-total_amount");
    assertThat(m.driftAlarmNames()).containsExactly("taxi-prod-drift-total_amount",
        "taxi-prod-drift-duration_minutes", "taxi-prod-drift-passenger_count", "taxi-prod-drift-trip_distance");
    assertThat(client.alarm(m.driftAlarmName()).definition().metricName())
        .isEqualTo("feature_baseline_drift_total_amount");
    assertThat(client.alarm(m.driftAlarmName()).definition().threshold()).isEqualTo(0.20);
    assertThat(client.alarm(m.driftAlarmName()).state().watchers()).containsExactly("retrain-taxi");
    stub(HookActivities.class).smokeTest(new HookRequest(v1.prodEndpoint(), null, uri(models.data.test()), 30,
        2_000));
    platform.capture().flush(5_000);
    Map<String, Double> drift = platform.runMonitoringNow(v1.monitoringSchedule());
    assertThat(drift).containsKeys("total_amount", "duration_minutes", "passenger_count", "trip_distance");
    assertThat(drift.values()).allSatisfy(d -> assertThat(d).isBetween(0.0, 1.0));
  }

  @Test
  @Order(9)
  void notificationsAreAppendedAsJsonLines() throws Exception {
    stub(NotificationActivities.class).notify(new NotificationActivities.Notification(
        NotificationActivities.Kind.APPROVAL_REQUESTED, "deploy-taxi-v1", "taxi", "v1", "approve please",
        Map.of("rmse", "1.7")));
    List<String> lines = Files.readAllLines(platform.home().resolve("notifications.jsonl"));
    JsonNode n = JsonMapping.mapper().readTree(lines.get(lines.size() - 1));
    assertThat(n.path("kind").asText()).isEqualTo("APPROVAL_REQUESTED");
    assertThat(n.path("workflowId").asText()).isEqualTo("deploy-taxi-v1");
    assertThat(n.path("fields").path("rmse").asText()).isEqualTo("1.7");
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
