package dev.safedeploy.starter;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.safedeploy.starter.cli.ExitCodes;
import dev.safedeploy.starter.cli.Json;
import dev.safedeploy.starter.fake.TemporalFixture;
import dev.safedeploy.worker.temporal.RealTemporal;
import dev.safedeploy.workflows.pipeline.SafeDeploymentWorkflowImpl;
import dev.safedeploy.workflows.pipeline.SearchAttributes;
import dev.safedeploy.workflows.retrain.FakeRetrainActivities;
import dev.safedeploy.workflows.retrain.RetrainJournalEntry;
import dev.safedeploy.workflows.retrain.RetrainScheduleWorkflowImpl;
import dev.safedeploy.workflows.retrain.RetrainStatus;
import dev.safedeploy.workflows.retrain.RetrainTrigger;
import dev.safedeploy.workflows.retrain.RetrainWorkflow;
import dev.safedeploy.workflows.retrain.RetrainWorkflowImpl;
import dev.safedeploy.workflows.testing.FakeBackend;
import io.temporal.client.schedules.ScheduleActionStartWorkflow;
import io.temporal.client.schedules.ScheduleClient;
import io.temporal.client.schedules.ScheduleClientOptions;
import io.temporal.client.schedules.ScheduleDescription;
import io.temporal.client.schedules.ScheduleListDescription;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * The retrain Temporal Schedule on the real server (the Java test server has no schedules): {@code safedeploy
 * retrain --schedule} creates it, a second call updates it, a fire starts the model's retrain entity with a SCHEDULE
 * trigger and the next version's run, {@code --unschedule} deletes it.
 */
@Timeout(180)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RetrainScheduleRealServerTest {

  FakeBackend backend;
  TemporalFixture temporal;
  ScheduleClient schedules;

  @BeforeAll
  void start() {
    backend = new FakeBackend().withLive("nyctaxi", "v1", 4.5);
    temporal = RealTemporal.fixture(List.of(SafeDeploymentWorkflowImpl.class, RetrainWorkflowImpl.class,
        RetrainScheduleWorkflowImpl.class), backend, new FakeRetrainActivities());
    schedules = ScheduleClient.newInstance(temporal.client().getWorkflowServiceStubs(),
        ScheduleClientOptions.newBuilder().setNamespace("default").build());
  }

  @AfterAll
  void stop() {
    if (temporal != null) {
      temporal.close();
    }
  }

  private CliRun cli(String... args) {
    return CliRun.run(temporal.env("alice"), args);
  }

  @Test
  void scheduleCreatedUpdatedFiredAndDeleted() throws Exception {
    CliRun created = cli("retrain", "nyctaxi", "--schedule", "0 2 1 * *");
    assertThat(created.exitCode()).as(created.toString()).isEqualTo(ExitCodes.OK);
    assertThat(created.out()).contains("schedule retrain-schedule-nyctaxi: '0 2 1 * *' (UTC) retrains nyctaxi");

    CliRun updated = cli("retrain", "nyctaxi", "--schedule", "30 3 * * 1", "--json");
    assertThat(updated.exitCode()).as(updated.toString()).isEqualTo(ExitCodes.OK);
    JsonNode answer = Json.MAPPER.readTree(updated.out());
    assertThat(answer.path("cron").asText()).isEqualTo("30 3 * * 1");
    Instant next = Instant.parse(answer.path("nextActionTimes").get(0).asText());
    assertThat(next.atZone(java.time.ZoneOffset.UTC).getDayOfWeek()).isEqualTo(java.time.DayOfWeek.MONDAY);
    ScheduleDescription d = schedules.getHandle("retrain-schedule-nyctaxi").describe();
    // the server keeps the cron as calendar specs: what shows the update took is when it fires
    assertThat(d.getInfo().getNextActionTimes()).isNotEmpty().allSatisfy(t -> {
      assertThat(t.atZone(java.time.ZoneOffset.UTC).getDayOfWeek()).isEqualTo(java.time.DayOfWeek.MONDAY);
      assertThat(t.atZone(java.time.ZoneOffset.UTC).toLocalTime()).isEqualTo(java.time.LocalTime.of(3, 30));
    });
    assertThat(((ScheduleActionStartWorkflow) d.getSchedule().getAction()).getWorkflowType())
        .isEqualTo("RetrainScheduleWorkflow");
    assertThat(schedules.listSchedules().map(ScheduleListDescription::getScheduleId).toList())
        .containsOnlyOnce("retrain-schedule-nyctaxi");

    // fire it now: the action starts the (not yet running) retrain entity, which starts v2
    schedules.getHandle("retrain-schedule-nyctaxi").trigger();
    RetrainWorkflow entity = temporal.client().newWorkflowStub(RetrainWorkflow.class, "retrain-nyctaxi");
    RetrainJournalEntry started = null;
    Instant deadline = Instant.now().plusSeconds(60);
    while (started == null) {
      assertThat(Instant.now()).as("the schedule's retrain started").isBefore(deadline);
      Thread.sleep(200);
      try {
        RetrainStatus s = entity.status();
        started = s.journal().stream().filter(e -> e.event() == RetrainJournalEntry.Event.RUN_STARTED)
            .findFirst().orElse(null);
      } catch (RuntimeException notYet) {
        // the entity has not started yet
      }
    }
    assertThat(started.run()).isEqualTo("deploy-nyctaxi-v2");
    assertThat(started.trigger().kind()).isEqualTo(RetrainTrigger.Kind.SCHEDULE);
    assertThat(started.trigger().scheduleId()).isEqualTo("retrain-schedule-nyctaxi");
    // the run the schedule led to carries what every run carries (PipelineRuns.childOptions)
    var run = temporal.client().newUntypedWorkflowStub("deploy-nyctaxi-v2").describe();
    assertThat(run.getStaticSummary()).isEqualTo("retrain nyctaxi v2: schedule retrain-schedule-nyctaxi");
    assertThat(run.getTypedSearchAttributes().get(SearchAttributes.MODEL)).isEqualTo("nyctaxi");
    assertThat(run.getTypedSearchAttributes().get(SearchAttributes.VERSION)).isEqualTo("v2");
    CliRun history = cli("history", "deploy-nyctaxi-v2");
    assertThat(history.out()).as(history.toString()).contains("RETRAIN_CAUSE")
        .contains("schedule retrain-schedule-nyctaxi");

    CliRun deleted = cli("retrain", "nyctaxi", "--unschedule");
    assertThat(deleted.exitCode()).as(deleted.toString()).isEqualTo(ExitCodes.OK);
    assertThat(deleted.out()).contains("schedule retrain-schedule-nyctaxi deleted");
    CliRun again = cli("retrain", "nyctaxi", "--unschedule");
    assertThat(again.exitCode()).as(again.toString()).isEqualTo(ExitCodes.OK);
    assertThat(again.out()).contains("no schedule retrain-schedule-nyctaxi");
  }
}
