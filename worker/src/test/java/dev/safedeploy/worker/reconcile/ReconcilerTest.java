package dev.safedeploy.worker.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.safedeploy.platform.api.AlarmDefinition;
import dev.safedeploy.platform.api.Endpoint;
import dev.safedeploy.platform.api.ModelRecord;
import dev.safedeploy.platform.api.MonitoringSchedule;
import dev.safedeploy.platform.api.Variant;
import dev.safedeploy.platform.client.PlatformClient;
import dev.safedeploy.platform.control.LocalPlatform;
import dev.safedeploy.platform.control.PlatformConfig;
import dev.safedeploy.platform.testing.TestModels;
import dev.safedeploy.workflows.pipeline.DeploymentPolicy;
import dev.safedeploy.workflows.pipeline.Stage;
import dev.safedeploy.workflows.testing.FakeBackend;
import dev.safedeploy.workflows.testing.PipelineHarness;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(120)
class ReconcilerTest {

  private static final TestModels models = TestModels.get();

  private static Variant variant(String name, String model, int weight) {
    return new Variant(name, model, weight, 1, null, null, null);
  }

  private static AlarmDefinition alarm(String name, String endpoint, String variant) {
    return new AlarmDefinition(name, "Invocation5XXErrors", endpoint, variant, "Sum", 60, 1, 1, 1,
        "GreaterThanOrEqualToThreshold", "notBreaching");
  }

  private static MonitoringSchedule schedule(String name, String endpoint) {
    return new MonitoringSchedule(name, endpoint, models.baseline.statistics().toString(),
        models.baseline.constraints().toString(), 3600, null);
  }

  @Test
  void findsWhatNoOpenRunOwnsAndRemovesOnlyThat(@TempDir Path home) {
    try (LocalPlatform p = LocalPlatform.start(TestModels.platformConfig(home))) {
      PlatformClient c = PlatformClient.forHome(p.url(), p.home());
      for (String m : List.of("m-v1", "m-v2", "m-v3", "q-v1", "q-v2")) {
        c.createModel(new ModelRecord(m, models.good.artifact().toString(), m.substring(0, 1), m.substring(2), 1.7,
            null));
      }
      // m: v1 live, v3 left at 0% by a run that ended (terminated); v2's run is open and waits with its dev endpoint
      c.createEndpoint(new Endpoint("m-prod", "m", List.of(variant("v1", "m-v1", 100)), null, null, null, null, null));
      c.addVariant("m-prod", variant("v3", "m-v3", 0));
      c.createEndpoint(new Endpoint("m-dev-v2", "m", List.of(variant("v2", "m-v2", 1)), null, null, null, null, null));
      c.createEndpoint(new Endpoint("m-dev-v3", "m", List.of(variant("v3", "m-v3", 1)), null, null, null, null, null));
      // q: v2's canary is open (blue v1 at 0% during its watch window): the whole endpoint is the run's
      c.createEndpoint(new Endpoint("q-prod", "q", List.of(variant("v1", "q-v1", 0)), null, null, null, null, null));
      c.addVariant("q-prod", variant("v2", "q-v2", 100));
      c.putAlarm(alarm("m-prod-v1-5xx", "m-prod", "v1"));
      c.putAlarm(alarm("m-prod-v3-5xx", "m-prod", "v3"));
      c.putAlarm(alarm("m-prod-v0-latency-p99", "m-prod", "v0"));
      c.putAlarm(alarm("team-slo", "m-prod", "v1"));
      c.putAlarm(alarm("q-prod-v1-5xx", "q-prod", "v1"));
      c.createSchedule(schedule("m-v1-drift", "m-prod"));
      c.createSchedule(schedule("m-v0-drift", "m-prod"));

      Reconciler reconciler = new Reconciler(c, Set.of("deploy-m-v2", "deploy-q-v2")::contains);
      assertThat(reconciler.orphans()).extracting(Reconciler.Orphan::kind, Reconciler.Orphan::name)
          .containsExactlyInAnyOrder(
              org.assertj.core.groups.Tuple.tuple("endpoint", "m-dev-v3"),
              org.assertj.core.groups.Tuple.tuple("variant", "m-prod/v3"),
              org.assertj.core.groups.Tuple.tuple("alarm", "m-prod-v3-5xx"),
              org.assertj.core.groups.Tuple.tuple("alarm", "m-prod-v0-latency-p99"),
              org.assertj.core.groups.Tuple.tuple("schedule", "m-v0-drift"));

      Reconciler.Report report = reconciler.apply();
      assertThat(report.failed()).isEmpty();
      assertThat(report.removed()).hasSize(5);
      assertThat(reconciler.orphans()).isEmpty();
      assertThat(reconciler.apply().removed()).isEmpty(); // idempotent

      assertThat(c.endpoint("m-dev-v3")).isNull();
      assertThat(c.endpoint("m-dev-v2")).isNotNull();
      assertThat(c.endpoint("m-prod").variants()).extracting(Variant::name).containsExactly("v1");
      assertThat(c.endpoint("q-prod").variants()).extracting(Variant::name).containsExactlyInAnyOrder("v1", "v2");
      assertThat(c.alarm("m-prod-v1-5xx")).isNotNull();
      assertThat(c.alarm("team-slo")).isNotNull();
      assertThat(c.alarm("q-prod-v1-5xx")).isNotNull();
      assertThat(c.alarm("m-prod-v3-5xx")).isNull();
      // production kept serving
      assertThat(c.invoke("m-prod", null, "text/csv", models.sampleRow().getBytes()).status()).isEqualTo(200);
    }
  }

  @Test
  void openRunsAsksTheServerByWorkflowId() {
    try (PipelineHarness harness = new PipelineHarness(new FakeBackend())) {
      var wf = harness.start(PipelineHarness.request("v1", DeploymentPolicy.builder().watchWindow(Duration.ZERO)
          .build()));
      harness.awaitStage(wf, Stage.AWAIT_APPROVAL);
      OpenRuns open = new OpenRuns(harness.client);
      assertThat(open.test("deploy-nyctaxi-v1")).isTrue();
      assertThat(open.test("deploy-nyctaxi-v9")).isFalse();
    }
  }
}
