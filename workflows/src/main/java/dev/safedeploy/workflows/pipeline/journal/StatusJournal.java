package dev.safedeploy.workflows.pipeline.journal;

import static dev.safedeploy.workflows.activities.Failures.rootMessage;

import dev.safedeploy.workflows.pipeline.AlarmRecord;
import dev.safedeploy.workflows.pipeline.AlarmSignal;
import dev.safedeploy.workflows.pipeline.Outcome;
import dev.safedeploy.workflows.pipeline.SearchAttributes;
import dev.safedeploy.workflows.pipeline.Stage;
import dev.safedeploy.workflows.pipeline.StageRecord;
import io.temporal.failure.ActivityFailure;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * What a run tells the world about itself: its stage and step, stage timings (with their metrics), the event log, the
 * alarms it saw, its outcome, the Web UI's current details and the search attributes. Workflow-thread code: the
 * search-attribute upserts are commands, so they happen exactly where the pipeline enters a stage or ends.
 */
public final class StatusJournal {

  private static final int MAX_EVENTS = 300;

  private final String model;
  private final String version;
  private final Supplier<String> body;
  private Stage stage = Stage.BUILD;
  private String step;
  private Instant stepEndsAt;
  private final List<StageRecord> stages = new ArrayList<>();
  private final List<AlarmRecord> alarms = new ArrayList<>();
  private final List<String> events = new ArrayList<>();
  private Outcome outcome;
  private String reason;

  /** {@code body} renders what the current details show between the stage line and the outcome (traffic, judge). */
  public StatusJournal(String model, String version, Supplier<String> body) {
    this.model = model;
    this.version = version;
    this.body = body;
  }

  public static Instant now() {
    return Instant.ofEpochMilli(Workflow.currentTimeMillis());
  }

  /** The run's first command: the search attributes that say whose run it is. */
  public void opened() {
    Workflow.upsertTypedSearchAttributes(
        SearchAttributes.MODEL.valueSet(model), SearchAttributes.VERSION.valueSet(version));
  }

  public void enter(Stage next) {
    enter(next, null);
  }

  public void enter(Stage next, String note) {
    closeStage(null);
    stage = next;
    step = null;
    stepEndsAt = null;
    stages.add(new StageRecord(next, now(), null, note));
    event("stage " + next + (note == null ? "" : ": " + note));
    Workflow.upsertTypedSearchAttributes(SearchAttributes.STAGE.valueSet(next.name()));
    details();
  }

  public void leave(String note) {
    closeStage(note);
    details();
  }

  /** What is happening inside the stage now (null: nothing in particular); logged as an event. */
  public void step(String what) {
    step = what;
    if (what != null) {
      event(what);
    }
    details();
  }

  /** When the current wait ends (null: not waiting), for progress bars. */
  public void until(Instant end) {
    stepEndsAt = end;
  }

  public void event(String text) {
    if (events.size() >= MAX_EVENTS) {
      events.remove(0);
    }
    events.add(now() + " " + text);
  }

  /** Does {@code action} (activities whose failure must not fail the run); a failure is an event. */
  public void quietly(Runnable action, String what) {
    try {
      action.run();
    } catch (ActivityFailure e) {
      event(what + " failed: " + rootMessage(e));
    }
  }

  /** An alarm the run saw, how ({@code SIGNAL} or {@code POLL}) and what it did about it. */
  public void alarm(AlarmSignal a, String source, String action) {
    alarms.add(new AlarmRecord(a.alarmName(), a.state(), a.reason(), a.transitionedAt(), now(), source, action));
    event("alarm " + a.alarmName() + " " + a.state() + " (" + source.toLowerCase() + "): " + action);
  }

  /** An alarm record without its event (the caller logs it its own way). */
  public void alarm(AlarmRecord record) {
    alarms.add(record);
  }

  /** Promoted, the watch window still to come: the outcome is searchable at once. */
  public void promoted(String why) {
    outcome = Outcome.PROMOTED;
    reason = why;
    Workflow.upsertTypedSearchAttributes(SearchAttributes.OUTCOME.valueSet(outcome.name()));
  }

  /** The run's end: stage DONE with its outcome, searchable, counted. */
  public void finish(Outcome result, String why) {
    closeStage(null);
    outcome = result;
    reason = why;
    stage = Stage.DONE;
    stages.add(new StageRecord(Stage.DONE, now(), now(), result + ": " + why));
    step = null;
    stepEndsAt = null;
    event("outcome " + result + ": " + why);
    Workflow.upsertTypedSearchAttributes(SearchAttributes.STAGE.valueSet(Stage.DONE.name()),
        SearchAttributes.OUTCOME.valueSet(result.name()));
    details();
    Workflow.getMetricsScope().tagged(Map.of("outcome", result.name())).counter("safedeploy_pipelines").inc(1);
    if (result == Outcome.ROLLED_BACK) {
      Workflow.getMetricsScope().counter("safedeploy_rollbacks").inc(1);
    }
  }

  /** The Web UI's current details: the stage line, the body, the outcome. */
  public void details() {
    StringBuilder md = new StringBuilder();
    md.append("**").append(model).append(' ').append(version).append("** — stage `").append(stage).append('`');
    if (step != null) {
      md.append(": ").append(step);
    }
    md.append(body.get());
    if (outcome != null) {
      md.append("\n\noutcome: **").append(outcome).append("** ").append(reason);
    }
    Workflow.setCurrentDetails(md.toString());
  }

  public Stage stage() {
    return stage;
  }

  public String step() {
    return step;
  }

  public Instant stepEndsAt() {
    return stepEndsAt;
  }

  public List<StageRecord> stages() {
    return List.copyOf(stages);
  }

  public List<AlarmRecord> alarms() {
    return List.copyOf(alarms);
  }

  public List<String> events() {
    return List.copyOf(events);
  }

  public Outcome outcome() {
    return outcome;
  }

  public String reason() {
    return reason;
  }

  private void closeStage(String note) {
    if (stages.isEmpty()) {
      return;
    }
    StageRecord last = stages.get(stages.size() - 1);
    if (last.endedAt() == null) {
      Instant end = now();
      stages.set(stages.size() - 1, new StageRecord(last.stage(), last.startedAt(), end,
          note == null ? last.note() : note));
      long millis = Duration.between(last.startedAt(), end).toMillis();
      Workflow.getMetricsScope().tagged(Map.of("stage", last.stage().name()))
          .timer("safedeploy_stage_duration").record(com.uber.m3.util.Duration.ofMillis(millis));
      if (last.stage() == Stage.AWAIT_APPROVAL) {
        Workflow.getMetricsScope().timer("safedeploy_approval_wait").record(com.uber.m3.util.Duration.ofMillis(millis));
      }
    }
  }
}
