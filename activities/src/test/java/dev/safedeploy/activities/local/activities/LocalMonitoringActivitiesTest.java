package dev.safedeploy.activities.local.activities;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.safedeploy.activities.local.LocalBackendConfig;
import dev.safedeploy.platform.api.Alarm;
import dev.safedeploy.platform.api.DataCaptureConfig;
import dev.safedeploy.platform.api.Endpoint;
import dev.safedeploy.platform.api.JobStatus;
import dev.safedeploy.platform.api.ModelRecord;
import dev.safedeploy.platform.api.MonitoringSchedule;
import dev.safedeploy.platform.api.ProcessingJob;
import dev.safedeploy.platform.api.Variant;
import dev.safedeploy.platform.client.PlatformClient;
import dev.safedeploy.platform.control.LocalPlatform;
import dev.safedeploy.platform.control.PlatformConfig;
import dev.safedeploy.platform.testing.TestModels;
import dev.safedeploy.workflows.activities.Failures;
import dev.safedeploy.workflows.activities.MonitoringActivities;
import dev.safedeploy.workflows.activities.MonitoringActivities.MonitoringRequest;
import dev.safedeploy.workflows.activities.MonitoringActivities.MonitoringResult;
import dev.safedeploy.workflows.activities.MonitoringActivities.RetireRequest;
import dev.safedeploy.workflows.pipeline.ResourceNames;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestActivityEnvironment;
import java.nio.charset.StandardCharsets;
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

/** Drift monitoring on a real platform: a drift alarm per baseline column, one schedule per live version. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LocalMonitoringActivitiesTest {
  @TempDir static Path home;
  static TestModels models;
  static LocalPlatform platform;
  static PlatformClient client;
  static TestActivityEnvironment env;
  static MonitoringActivities monitoring;
  static final ResourceNames v1 = new ResourceNames("taxi", "v1");
  static final ResourceNames v2 = new ResourceNames("taxi", "v2");
  static final String PROD = v1.prodEndpoint();
  static final List<String> ALARMS = List.of("taxi-prod-drift-total_amount", "taxi-prod-drift-duration_minutes",
      "taxi-prod-drift-passenger_count", "taxi-prod-drift-trip_distance");

  @BeforeAll
  static void start() throws Exception {
    models = TestModels.get();
    platform = LocalPlatform.start(PlatformConfig.of(home.resolve("platform")).withDataRoots(java.util.List.of(models.dir, home)));
    client = PlatformClient.forHome(platform.url(), platform.home());
    // a long interval: the test runs the drift checks itself
    LocalBackendConfig config = LocalBackendConfig.of(platform.url().toString(), platform.home())
        .withMonitoringInterval(Duration.ofHours(1));
    env = TestActivityEnvironment.newInstance();
    env.registerActivitiesImplementations(new LocalMonitoringActivitiesImpl(client, config));
    monitoring = env.newActivityStub(MonitoringActivities.class, ActivityOptions.newBuilder()
        .setStartToCloseTimeout(Duration.ofMinutes(1))
        .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build()).build());
    client.createModel(new ModelRecord("taxi-v1", models.good.artifact().toString(), "taxi", "v1", 1.0, null));
    client.createEndpoint(new Endpoint(PROD, "taxi", List.of(new Variant("v1", "taxi-v1", 100, 1, null, null, null)),
        new DataCaptureConfig(true, 100), null, null, null, null));
    for (ResourceNames n : List.of(v1, v2)) {
      client.createProcessingJob(new ProcessingJob(n.baselineJob(), "taxi", n.version(),
          models.data.baseline().toString(), null, null, null, null, null, null));
    }
    for (ResourceNames n : List.of(v1, v2)) {
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (client.processingJob(n.baselineJob()).status() == JobStatus.InProgress) {
        assertThat(System.nanoTime()).isLessThan(deadline);
        Thread.sleep(50);
      }
      assertThat(client.processingJob(n.baselineJob()).status()).isEqualTo(JobStatus.Completed);
    }
  }

  @AfterAll
  static void stop() {
    env.close();
    platform.close();
  }

  static MonitoringRequest request(ResourceNames n, Double threshold) {
    ProcessingJob job = client.processingJob(n.baselineJob());
    return new MonitoringRequest("taxi", n.version(), PROD, n.monitoringSchedule(),
        Path.of(job.statisticsPath()).toUri().toString(), Path.of(job.constraintsPath()).toUri().toString(),
        threshold);
  }

  static List<String> schedules() {
    return client.schedules(PROD).stream().map(MonitoringSchedule::name).toList();
  }

  static List<String> driftAlarms() {
    return client.alarms().stream().map(a -> a.definition().name()).filter(n -> n.startsWith("taxi-prod-drift-"))
        .sorted().toList();
  }

  @Test
  @Order(1)
  void anAlarmPerBaselineColumnWatchedByTheRetrainWorkflow() {
    MonitoringResult m = monitoring.enableMonitoring(request(v1, null));
    assertThat(m.scheduleName()).isEqualTo("taxi-v1-drift");
    assertThat(m.driftAlarmName()).isEqualTo("taxi-prod-drift-total_amount");
    assertThat(m.driftAlarmNames()).containsExactlyElementsOf(ALARMS);
    for (String name : ALARMS) {
      Alarm a = client.alarm(name);
      assertThat(a.definition().threshold()).isEqualTo(0.20);
      assertThat(a.definition().metricName()).isEqualTo("feature_baseline_drift_" + name.substring(16));
      assertThat(a.state().watchers()).containsExactly("retrain-taxi");
    }
    assertThat(schedules()).containsExactly("taxi-v1-drift");
    // idempotent: again changes nothing
    assertThat(monitoring.enableMonitoring(request(v1, null))).isEqualTo(m);
    assertThat(schedules()).containsExactly("taxi-v1-drift");
    assertThat(driftAlarms()).hasSize(4);
  }

  @Test
  @Order(2)
  void trafficLikeTheTrainingDataRaisesNoAlarm() throws Exception {
    // the validation rows, as clients send them: features like the baseline's, predictions like its targets
    List<String> rows = Files.readAllLines(models.data.validation());
    for (int from = 0; from < Math.min(rows.size(), 1000); from += 50) {
      StringBuilder body = new StringBuilder();
      for (String line : rows.subList(from, Math.min(from + 50, rows.size()))) {
        body.append(line.substring(line.indexOf(',') + 1)).append('\n');
      }
      assertThat(client.invoke(PROD, null, "text/csv", body.toString().trim().getBytes(StandardCharsets.UTF_8))
          .status()).isEqualTo(200);
    }
    assertThat(platform.capture().flush(5_000)).isTrue();
    Map<String, Double> drift = platform.runMonitoringNow("taxi-v1-drift");
    assertThat(drift).containsKeys("total_amount", "duration_minutes", "passenger_count", "trip_distance");
    assertThat(drift.values()).as("drift %s", drift).allSatisfy(d -> assertThat(d).isLessThan(0.10));
    platform.evaluateAlarms();
    for (String name : ALARMS) {
      assertThat(client.alarm(name).state().state()).as(name).isNotEqualTo("ALARM");
    }
  }

  @Test
  @Order(3)
  void driftedTrafficRaisesTheFeaturesAlarm() throws Exception {
    // trip_distance x10: its drift is far over the threshold, the predictions move too, passenger_count does not
    List<String> rows = Files.readAllLines(models.data.test());
    StringBuilder body = new StringBuilder();
    for (String line : rows.subList(0, Math.min(60, rows.size()))) {
      String[] c = line.split(",");
      body.append(c[1]).append(',').append(c[2]).append(',').append(Double.parseDouble(c[3]) * 10).append('\n');
    }
    assertThat(client.invoke(PROD, null, "text/csv", body.toString().trim().getBytes(StandardCharsets.UTF_8))
        .status()).isEqualTo(200);
    assertThat(platform.capture().flush(5_000)).isTrue();
    Map<String, Double> drift = platform.runMonitoringNow("taxi-v1-drift");
    assertThat(drift).containsKeys("total_amount", "duration_minutes", "passenger_count", "trip_distance");
    assertThat(drift.get("trip_distance")).isGreaterThan(0.5);
    assertThat(drift.get("total_amount")).isGreaterThan(0.20);
    platform.evaluateAlarms();
    assertThat(client.alarm("taxi-prod-drift-trip_distance").state().state()).isEqualTo("ALARM");
    assertThat(client.alarm("taxi-prod-drift-total_amount").state().state()).isEqualTo("ALARM");
  }

  @Test
  @Order(4)
  void promotingTheNextVersionLeavesOnlyItsSchedule() {
    MonitoringResult m = monitoring.enableMonitoring(request(v2, 0.3));
    assertThat(m.scheduleName()).isEqualTo("taxi-v2-drift");
    assertThat(schedules()).containsExactly("taxi-v2-drift");
    assertThat(client.alarm("taxi-prod-drift-trip_distance").definition().threshold()).isEqualTo(0.3);
    assertThat(driftAlarms()).hasSize(4);
  }

  @Test
  @Order(5)
  void aRollbackAfterMonitoringBeganRestoresTheLiveVersionsSchedule() {
    RetireRequest retire = new RetireRequest("taxi", "v2", PROD, v2.monitoringSchedule(), "v1",
        v1.monitoringSchedule(), v1.baselineJob(), null);
    MonitoringResult m = monitoring.retireMonitoring(retire);
    assertThat(m.scheduleName()).isEqualTo("taxi-v1-drift");
    assertThat(schedules()).containsExactly("taxi-v1-drift");
    assertThat(client.alarm("taxi-prod-drift-trip_distance").definition().threshold()).isEqualTo(0.20);
    // a retried compensation is a no-op
    assertThat(monitoring.retireMonitoring(retire).scheduleName()).isEqualTo("taxi-v1-drift");
    assertThat(schedules()).containsExactly("taxi-v1-drift");
  }

  @Test
  @Order(6)
  void badInputFailsNonRetryably() {
    assertThatThrownBy(() -> monitoring.enableMonitoring(request(v1, 1.5))).satisfies(t -> {
      ApplicationFailure f = (ApplicationFailure) ((ActivityFailure) t).getCause();
      assertThat(f.getType()).isEqualTo(Failures.BAD_DATA);
      assertThat(f.getOriginalMessage()).contains("drift threshold must be in (0, 1]");
    });
    assertThatThrownBy(() -> monitoring.retireMonitoring(new RetireRequest("taxi", "v2", PROD,
        v2.monitoringSchedule(), "v7", "taxi-v7-drift", "taxi-v7-baseline", null))).satisfies(t -> {
          ApplicationFailure f = (ApplicationFailure) ((ActivityFailure) t).getCause();
          assertThat(f.getType()).isEqualTo(Failures.NOT_FOUND);
          assertThat(f.getOriginalMessage()).contains("taxi-v7-baseline does not exist");
        });
  }

  @Test
  @Order(7)
  void nothingLeftToServeTakesScheduleAndDriftAlarms() {
    monitoring.retireMonitoring(new RetireRequest("taxi", "v1", PROD, v1.monitoringSchedule(), null, null, null,
        null));
    assertThat(schedules()).isEmpty();
    assertThat(driftAlarms()).isEmpty();
  }
}
