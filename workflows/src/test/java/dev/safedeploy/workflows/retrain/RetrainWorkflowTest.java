package dev.safedeploy.workflows.retrain;

import static org.assertj.core.api.Assertions.assertThat;

import dev.safedeploy.workflows.client.PipelineRuns;
import dev.safedeploy.workflows.pipeline.AlarmRecord;
import dev.safedeploy.workflows.pipeline.AlarmSignal;
import dev.safedeploy.workflows.pipeline.ApprovalDecision;
import dev.safedeploy.workflows.pipeline.Outcome;
import dev.safedeploy.workflows.pipeline.PipelineStatus;
import dev.safedeploy.workflows.pipeline.RollbackRequest;
import dev.safedeploy.workflows.pipeline.SafeDeploymentWorkflow;
import dev.safedeploy.workflows.pipeline.SearchAttributes;
import dev.safedeploy.workflows.retrain.RetrainJournalEntry.Event;
import dev.safedeploy.workflows.retrain.RetrainStatus.State;
import dev.safedeploy.workflows.retrain.RetrainTrigger.Kind;
import dev.safedeploy.workflows.testing.PipelineHarness;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The retrain entity against a fake pipeline run (same workflow type, no stages) in a time-skipping environment. Time
 * only moves in {@code env.sleep}: status polls do not skip it, so a cool-down holds until a test sleeps past it.
 */
@Timeout(60)
class RetrainWorkflowTest {

  private static final String MODEL = "nyctaxi";
  private static final String DRIFT = "nyctaxi-prod-feature-drift";
  private static final String ENTITY = "retrain-nyctaxi";

  private TestWorkflowEnvironment env;
  private WorkflowClient client;
  private FakeRetrainActivities activities;

  @BeforeEach
  void setUp() {
    env = TestWorkflowEnvironment.newInstance();
    PipelineHarness.registerSearchAttributes(env);
    Worker worker = env.newWorker(SafeDeploymentWorkflow.TASK_QUEUE);
    worker.registerWorkflowImplementationTypes(RetrainWorkflowImpl.class, RetrainScheduleWorkflowImpl.class,
        FakePipelineRun.class);
    activities = new FakeRetrainActivities();
    worker.registerActivitiesImplementations(activities);
    env.start();
    client = env.getWorkflowClient();
  }

  @AfterEach
  void tearDown() {
    env.close();
  }

  private static AlarmSignal drift(String state, double value) {
    return new AlarmSignal(DRIFT, state, "Threshold Crossed: 1 out of the last 1 datapoints breached "
        + "feature_baseline_drift_total_amount Maximum > 0.2 (most recent " + value + ")",
        Instant.parse("2026-08-10T12:00:00Z").plusMillis(Math.round(value * 1000))); // one transition per value
  }

  private RetrainWorkflow entity() {
    return client.newWorkflowStub(RetrainWorkflow.class, ENTITY);
  }

  private SafeDeploymentWorkflow run(String version) {
    return client.newWorkflowStub(SafeDeploymentWorkflow.class, "deploy-nyctaxi-" + version);
  }

  private void approve(String version) {
    run(version).approve(ApprovalDecision.approve("bob", "fine", "test"));
  }

  /** Polls the status query without skipping time until it matches. */
  private RetrainStatus await(Predicate<RetrainStatus> condition) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    RetrainStatus status = null;
    while (System.nanoTime() < deadline) {
      try {
        status = entity().status();
        if (condition.test(status)) {
          return status;
        }
      } catch (io.temporal.client.WorkflowNotFoundException e) {
        // not started yet
      }
      sleep();
    }
    throw new AssertionError("retrain status never matched; last: " + status);
  }

  private PipelineStatus awaitRun(String version, Predicate<PipelineStatus> condition) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    PipelineStatus status = null;
    while (System.nanoTime() < deadline) {
      status = run(version).status();
      if (condition.test(status)) {
        return status;
      }
      sleep();
    }
    throw new AssertionError("run status never matched; last: " + status);
  }

  private String entityRunId() {
    return WorkflowStub.fromTyped(entity()).describe().getExecution().getRunId();
  }

  /**
   * Waits, by describe rather than query, until the entity has continued as new from {@code runId}. The test server
   * holds a query that races the run's closing workflow task for its 10 s task timeout; describe never does.
   */
  private void awaitContinuedAsNew(String runId) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    while (entityRunId().equals(runId)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("the entity never continued as new from run " + runId);
      }
      sleep();
    }
  }

  /** Skips past the cool-down in progress and waits for the entity's next run (it continues as new after one). */
  private RetrainStatus skipCoolDown(Duration coolDown) {
    String runId = entityRunId();
    env.sleep(coolDown.plusMinutes(1));
    awaitContinuedAsNew(runId);
    return await(st -> st.state() == State.IDLE || st.state() == State.DISABLED);
  }

  private static void sleep() {
    try {
      Thread.sleep(20);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  private static Predicate<RetrainStatus> running(String version) {
    return s -> s.state() == State.RETRAINING && ("deploy-nyctaxi-" + version).equals(s.currentRun());
  }

  private static List<Event> events(RetrainStatus s) {
    return s.journal().stream().map(RetrainJournalEntry::event).toList();
  }

  private static RetrainJournalEntry last(RetrainStatus s, Event event) {
    return s.journal().stream().filter(e -> e.event() == event).reduce((a, b) -> b)
        .orElseThrow(() -> new AssertionError("no " + event + " in " + s.journal()));
  }

  @Test
  void driftAlarmStartsTheNextVersionWithItsCauseOnTheRun() {
    RetrainStarter.alarm(client, MODEL, drift("ALARM", 0.44));

    RetrainStatus s = await(running("v2"));
    assertThat(s.lastCause().kind()).isEqualTo(Kind.ALARM);
    assertThat(s.lastCause().alarmName()).isEqualTo(DRIFT);
    assertThat(s.lastCause().value()).isEqualTo(0.44);
    assertThat(s.currentVersion()).isEqualTo("v2");
    assertThat(s.runsStarted()).isEqualTo(1);
    assertThat(events(s)).containsExactly(Event.ACCEPTED, Event.RUN_STARTED);

    PipelineStatus child = run("v2").status();
    assertThat(child.requestedBy()).isEqualTo("alarm:" + DRIFT);
    assertThat(child.events()).containsExactly("train=file:///data/v2/train.csv", "max_depth=7");
    var description = WorkflowStub.fromTyped(run("v2")).describe();
    assertThat(description.getStaticSummary()).isEqualTo("retrain nyctaxi v2: drift alarm " + DRIFT + " at 0.44");
    assertThat(description.getStaticDetails()).contains("from live version `v1`").contains("most recent 0.44");
    assertThat(description.getTypedSearchAttributes().get(SearchAttributes.MODEL)).isEqualTo(MODEL);
    assertThat(description.getTypedSearchAttributes().get(SearchAttributes.VERSION)).isEqualTo("v2");
    assertThat(activities.calls).containsExactly("liveModel nyctaxi", "nextVersion nyctaxi",
        "assembleData nyctaxi v2 captured=false");
    // the cause travels in the run's request: its history, approval message and audit trail read it there
    var startedWith = client.fetchHistory("deploy-nyctaxi-v2").getEvents().get(0)
        .getWorkflowExecutionStartedEventAttributes().getInput();
    var request = io.temporal.common.converter.DefaultDataConverter.STANDARD_INSTANCE.fromPayloads(0,
        java.util.Optional.of(startedWith), dev.safedeploy.workflows.pipeline.PipelineRequest.class,
        dev.safedeploy.workflows.pipeline.PipelineRequest.class);
    assertThat(request.retrainCause().kind()).isEqualTo("ALARM");
    assertThat(request.retrainCause().alarmName()).isEqualTo(DRIFT);
    assertThat(request.retrainCause().value()).isEqualTo(0.44);
    assertThat(request.retrainCause().description()).isEqualTo("drift alarm " + DRIFT + " at 0.44");

    approve("v2");
    s = await(st -> st.state() == State.COOLING_DOWN);
    RetrainJournalEntry finished = last(s, Event.RUN_FINISHED);
    assertThat(finished.outcome()).isEqualTo(Outcome.PROMOTED);
    assertThat(finished.run()).isEqualTo("deploy-nyctaxi-v2");
    assertThat(s.currentRun()).isNull();
    assertThat(s.coolingDownUntil()).isNotNull();
  }

  @Test
  void alarmsReturningToOkAskForNothing() {
    RetrainStarter.alarm(client, MODEL, drift("OK", 0.01));
    entity().alarm(drift("INSUFFICIENT_DATA", 0));
    entity().trigger(RetrainTrigger.manual("alice", "after the OK", null));

    RetrainStatus s = await(running("v2"));
    assertThat(s.lastCause().kind()).isEqualTo(Kind.MANUAL);
    assertThat(events(s)).containsExactly(Event.ACCEPTED, Event.RUN_STARTED);
  }

  @Test
  void scheduleStartsTheEntityWhenItIsNotRunningAndSignalsItWhenItIs() throws Exception {
    RetrainScheduleWorkflow.Result first = schedule();
    assertThat(first.retrainWorkflowId()).isEqualTo(ENTITY);
    assertThat(first.startedEntity()).isTrue();

    RetrainStatus s = await(running("v2"));
    assertThat(s.lastCause().kind()).isEqualTo(Kind.SCHEDULE);
    assertThat(s.lastCause().scheduleId()).isEqualTo("retrain-schedule-nyctaxi");
    assertThat(run("v2").status().requestedBy()).isEqualTo("schedule:retrain-schedule-nyctaxi");
    assertThat(WorkflowStub.fromTyped(run("v2")).describe().getStaticSummary())
        .isEqualTo("retrain nyctaxi v2: schedule retrain-schedule-nyctaxi");

    // the schedule fires again while v2 is open: the entity is found, and the trigger joins the open run
    RetrainScheduleWorkflow.Result second = schedule();
    assertThat(second.startedEntity()).isFalse();
    s = await(st -> events(st).contains(Event.COALESCED_INTO_RUN));
    assertThat(s.runsStarted()).isEqualTo(1);
    assertThat(last(s, Event.COALESCED_INTO_RUN).run()).isEqualTo("deploy-nyctaxi-v2");
  }

  private RetrainScheduleWorkflow.Result schedule() throws Exception {
    WorkflowStub stub = client.newUntypedWorkflowStub("RetrainScheduleWorkflow", WorkflowOptions.newBuilder()
        .setWorkflowId("retrain-schedule-nyctaxi-" + System.nanoTime())
        .setTaskQueue(RetrainWorkflow.TASK_QUEUE).build());
    stub.start(new RetrainScheduleWorkflow.Request(MODEL, "retrain-schedule-nyctaxi"));
    return stub.getResult(10, TimeUnit.SECONDS, RetrainScheduleWorkflow.Result.class);
  }

  @Test
  void manualTriggerRunsWithTheOperatorAsRequester() {
    RetrainStarter.configure(client, MODEL, new RetrainPolicy(null, true));
    RetrainStarter.trigger(client, MODEL, RetrainTrigger.manual("alice", "new month of trips", null));

    RetrainStatus s = await(running("v2"));
    assertThat(s.policy().useCapturedData()).isTrue();
    assertThat(run("v2").status().requestedBy()).isEqualTo("alice");
    assertThat(WorkflowStub.fromTyped(run("v2")).describe().getStaticSummary())
        .isEqualTo("retrain nyctaxi v2: manual retrain by alice: new month of trips");
    assertThat(activities.calls).contains("assembleData nyctaxi v2 captured=true");
    assertThat(events(s)).containsExactly(Event.CONFIGURED, Event.ACCEPTED, Event.RUN_STARTED);
  }

  @Test
  void coolDownCoalescesTriggersThenTheNextOneRuns() {
    RetrainStarter.alarm(client, MODEL, drift("ALARM", 0.44));
    await(running("v2"));
    approve("v2");
    RetrainStatus s = await(st -> st.state() == State.COOLING_DOWN);
    String firstRunId = entityRunId();

    entity().alarm(drift("ALARM", 0.5));
    entity().trigger(RetrainTrigger.manual("alice", "again", null));
    entity().trigger(RetrainTrigger.schedule("retrain-schedule-nyctaxi", null));
    s = await(st -> st.journal().stream().filter(e -> e.event() == Event.COALESCED).count() == 3);
    assertThat(s.state()).isEqualTo(State.COOLING_DOWN);
    assertThat(s.runsStarted()).isEqualTo(1);
    assertThat(last(s, Event.COALESCED).detail()).startsWith("cooling down until ");

    // not yet: 5 of the 6 hours
    env.sleep(Duration.ofHours(5));
    assertThat(entity().status().state()).isEqualTo(State.COOLING_DOWN);
    env.sleep(Duration.ofHours(1).plusMinutes(1));
    // continue-as-new after the cool-down: a new run of the entity, journal and count carried over
    awaitContinuedAsNew(firstRunId);
    s = await(st -> st.state() == State.IDLE);
    assertThat(s.runsStarted()).isEqualTo(1);
    assertThat(events(s)).containsExactly(Event.ACCEPTED, Event.RUN_STARTED, Event.RUN_FINISHED, Event.COALESCED,
        Event.COALESCED, Event.COALESCED);

    entity().trigger(RetrainTrigger.manual("alice", "after the cool-down", null));
    s = await(running("v3"));
    assertThat(s.runsStarted()).isEqualTo(2);
  }

  @Test
  void aShorterCoolDownEndsTheOneInProgress() {
    RetrainStarter.trigger(client, MODEL, RetrainTrigger.manual("alice", null, null));
    await(running("v2"));
    approve("v2");
    await(st -> st.state() == State.COOLING_DOWN);

    entity().configure(new RetrainPolicy(Duration.ofMinutes(10), null));
    RetrainStatus s = await(st -> events(st).contains(Event.CONFIGURED));
    assertThat(s.policy().coolDown()).isEqualTo(Duration.ofMinutes(10));
    s = skipCoolDown(Duration.ofMinutes(10));
    assertThat(s.state()).isEqualTo(State.IDLE);
    assertThat(s.policy().coolDown()).isEqualTo(Duration.ofMinutes(10));

    entity().configure(new RetrainPolicy(Duration.ofSeconds(-1), null));
    s = await(st -> events(st).contains(Event.REFUSED));
    assertThat(last(s, Event.REFUSED).detail()).contains("coolDown must not be negative");
    assertThat(s.policy().coolDown()).isEqualTo(Duration.ofMinutes(10));
  }

  @Test
  void driftAlarmDuringAnOpenRunIsRecordedOnThatRunNotStartedAgain() {
    RetrainStarter.alarm(client, MODEL, drift("ALARM", 0.44));
    await(running("v2"));

    entity().alarm(drift("ALARM", 0.61));
    entity().alarm(drift("OK", 0.1));
    entity().alarm(drift("ALARM", 0.72));
    entity().trigger(RetrainTrigger.manual("alice", "me too", null));

    PipelineStatus child = awaitRun("v2", st -> st.alarms().size() == 2);
    assertThat(child.alarms()).extracting(AlarmRecord::alarmName).containsOnly(DRIFT);
    assertThat(child.alarms()).extracting(AlarmRecord::reason)
        .allSatisfy(r -> assertThat(r).containsAnyOf("0.61", "0.72"));
    RetrainStatus s = await(st -> events(st).stream().filter(e -> e == Event.RECORDED_ON_RUN).count() == 2
        && events(st).contains(Event.COALESCED_INTO_RUN));
    assertThat(last(s, Event.RECORDED_ON_RUN).run()).isEqualTo("deploy-nyctaxi-v2");
    assertThat(last(s, Event.RECORDED_ON_RUN).trigger().value()).isEqualTo(0.72);
    assertThat(s.runsStarted()).isEqualTo(1);
    assertThat(s.lastCause().value()).isEqualTo(0.44);
    assertThat(activities.calls).filteredOn(c -> c.startsWith("nextVersion")).hasSize(1);

    // a second delivery of the same transition (the bridge retried) is not recorded twice
    entity().alarm(drift("ALARM", 0.72));
    s = await(st -> st.journal().stream().anyMatch(e -> e.detail().startsWith("already recorded on")));
    assertThat(run("v2").status().alarms()).hasSize(2);

    approve("v2");
    s = await(st -> st.state() == State.COOLING_DOWN);
    assertThat(s.runsStarted()).isEqualTo(1);
    // the history so far (signals, child run, external signals) replays against the code
    replay(client.fetchHistory(ENTITY));
  }

  private static void replay(io.temporal.common.WorkflowExecutionHistory history) {
    try {
      io.temporal.testing.WorkflowReplayer.replayWorkflowExecution(history, RetrainWorkflowImpl.class);
    } catch (Exception e) {
      throw new AssertionError("the retrain history does not replay", e);
    }
  }

  @Test
  void aFailedOrRejectedRunIsRecordedAndTheEntityKeepsWorking() {
    RetrainStarter.alarm(client, MODEL, drift("ALARM", 0.44));
    await(running("v2"));
    run("v2").rollback(new RollbackRequest("bob", "boom"));
    RetrainStatus s = await(st -> st.state() == State.COOLING_DOWN);
    RetrainJournalEntry failed = last(s, Event.RUN_FAILED);
    assertThat(failed.run()).isEqualTo("deploy-nyctaxi-v2");
    assertThat(failed.detail()).contains("fake pipeline crashed: boom");

    skipCoolDown(RetrainPolicy.DEFAULT_COOL_DOWN);
    entity().alarm(drift("ALARM", 0.5));
    await(running("v3"));
    run("v3").reject(ApprovalDecision.reject("bob", "worse", "test"));
    s = await(st -> st.state() == State.COOLING_DOWN);
    assertThat(last(s, Event.RUN_FINISHED).outcome()).isEqualTo(Outcome.REJECTED);
    assertThat(s.runsStarted()).isEqualTo(2);
  }

  @Test
  void nothingLiveIsRecordedAndTheNextTriggerTriesAgain() {
    activities.nothingLive = true;
    RetrainStarter.alarm(client, MODEL, drift("ALARM", 0.44));
    RetrainStatus s = await(st -> st.state() == State.COOLING_DOWN);
    assertThat(last(s, Event.RUN_FAILED).detail())
        .isEqualTo("could not prepare the run: nothing of nyctaxi serves production");
    assertThat(s.runsStarted()).isZero();

    activities.nothingLive = false;
    skipCoolDown(RetrainPolicy.DEFAULT_COOL_DOWN);
    entity().alarm(drift("ALARM", 0.5));
    await(running("v2"));
  }

  @Test
  void aVersionThatAlreadyHadARunIsSkipped() {
    // someone deployed v2 by hand; the backend does not know yet
    PipelineRuns.start(client, new dev.safedeploy.workflows.pipeline.PipelineRequest(MODEL, "v2",
        FakeRetrainActivities.data("manual"), null, "carol", null));

    RetrainStarter.trigger(client, MODEL, RetrainTrigger.manual("alice", null, null));
    RetrainStatus s = await(running("v3"));
    assertThat(last(s, Event.RUN_STARTED).detail()).contains("skipped [v2]");
    assertThat(run("v2").status().requestedBy()).isEqualTo("carol");
  }

  @Test
  void disabledRefusesTriggersUntilEnabled() {
    RetrainStarter.trigger(client, MODEL, RetrainTrigger.manual("alice", null, null));
    await(running("v2"));
    entity().disable("ops");
    approve("v2");
    RetrainStatus s = await(st -> st.state() == State.COOLING_DOWN);
    assertThat(last(s, Event.RUN_FINISHED).outcome()).isEqualTo(Outcome.PROMOTED);
    s = skipCoolDown(RetrainPolicy.DEFAULT_COOL_DOWN);
    assertThat(s.state()).isEqualTo(State.DISABLED);
    assertThat(s.disabledBy()).isEqualTo("ops");

    entity().alarm(drift("ALARM", 0.9));
    entity().trigger(new RetrainTrigger(null, null, null, null, null, null, null));
    s = await(st -> st.journal().stream().filter(e -> e.event() == Event.REFUSED).count() == 2);
    assertThat(s.journal().stream().filter(e -> e.event() == Event.REFUSED).map(RetrainJournalEntry::detail))
        .containsExactly("retraining is disabled (by ops)", "retrain trigger without kind (ALARM, SCHEDULE or MANUAL)");

    entity().enable("ops");
    entity().alarm(drift("ALARM", 0.9));
    s = await(running("v3"));
    assertThat(s.disabledBy()).isNull();
  }

  @Test
  void continueAsNewKeepsTheJournalBounded() {
    RetrainStarter.configure(client, MODEL, new RetrainPolicy(Duration.ZERO, null));
    int runs = 4;
    for (int i = 1; i <= runs; i++) {
      String version = "v" + (i + 1);
      entity().alarm(drift("ALARM", i));
      await(running(version));
      for (int j = 1; j <= 10; j++) {
        entity().trigger(RetrainTrigger.manual("alice", "run " + i + " trigger " + j, null));
      }
      String lastOne = "run " + i + " trigger 10";
      await(st -> st.journal().stream().anyMatch(e -> e.trigger() != null && lastOne.equals(e.trigger().reason())));
      String runId = entityRunId();
      approve(version);
      awaitContinuedAsNew(runId);
      if (i == 1) {
        replay(client.fetchHistory(ENTITY, runId)); // a whole run, ended by continue-as-new
      }
      int started = i;
      await(st -> st.state() == State.IDLE && st.runsStarted() == started);
    }
    RetrainStatus s = entity().status();
    assertThat(s.runsStarted()).isEqualTo(runs);
    assertThat(s.journal()).hasSize(RetrainWorkflowImpl.MAX_JOURNAL);
    RetrainJournalEntry newest = s.journal().get(s.journal().size() - 1);
    assertThat(newest.event()).isEqualTo(Event.RUN_FINISHED);
    assertThat(newest.version()).isEqualTo("v5");
    // 4 runs x (accepted, 10 coalesced, started, finished) = 52 entries: the oldest two are gone
    assertThat(s.journal().get(0).event()).isEqualTo(Event.COALESCED_INTO_RUN);
    // each run of the entity holds one retrain: its history stays small however long the entity lives
    long events = client.fetchHistory(ENTITY).getHistory().getEventsCount();
    assertThat(events).isLessThan(60);
  }
}
