package dev.safedeploy.workflows.retrain;

import dev.safedeploy.workflows.activities.Failures;
import dev.safedeploy.workflows.client.PipelineRuns;
import dev.safedeploy.workflows.activities.RetrainActivities;
import dev.safedeploy.workflows.activities.RetrainActivities.DataRequest;
import dev.safedeploy.workflows.activities.RetrainActivities.LiveModel;
import dev.safedeploy.workflows.activities.RetrainActivities.TrainingData;
import dev.safedeploy.workflows.pipeline.AlarmSignal;
import dev.safedeploy.workflows.pipeline.DeploymentPolicy;
import dev.safedeploy.workflows.pipeline.Outcome;
import dev.safedeploy.workflows.pipeline.PipelineRequest;
import dev.safedeploy.workflows.pipeline.PipelineResult;
import dev.safedeploy.workflows.pipeline.SafeDeploymentWorkflow;
import dev.safedeploy.workflows.retrain.RetrainJournalEntry.Event;
import dev.safedeploy.workflows.retrain.RetrainStatus.State;
import io.temporal.activity.ActivityOptions;
import io.temporal.client.WorkflowExecutionAlreadyStarted;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.failure.ChildWorkflowFailure;
import io.temporal.failure.TemporalFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInit;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;

/**
 * One retrain at a time: wait for a trigger, start the next version as a child pipeline run and wait for its end,
 * cool down, continue as new. Everything that arrives meanwhile is journaled; drift alarms during an open run are
 * forwarded to that run so they are on its record.
 */
public class RetrainWorkflowImpl implements RetrainWorkflow {

  static final int MAX_JOURNAL = 50;
  /** Version labels tried when the next ones already had runs (REJECT_DUPLICATE refuses a second deploy-m-v). */
  static final int MAX_VERSION_ATTEMPTS = 5;
  /** Idle entities continue as new after this many signals, so alarm chatter cannot grow one history forever. */
  static final int MAX_SIGNALS_PER_RUN = 500;
  private static final Logger log = Workflow.getLogger(RetrainWorkflowImpl.class);

  private static final RetryOptions RETRY = RetryOptions.newBuilder()
      .setInitialInterval(Duration.ofSeconds(1))
      .setBackoffCoefficient(2.0)
      .setMaximumInterval(Duration.ofMinutes(1))
      .setMaximumAttempts(5)
      .setDoNotRetry(Failures.BAD_DATA, Failures.NOT_FOUND, Failures.JOB_FAILED, Failures.INFRASTRUCTURE_FAILED)
      .build();

  private final RetrainActivities lookups = Workflow.newActivityStub(RetrainActivities.class,
      ActivityOptions.newBuilder().setStartToCloseTimeout(Duration.ofMinutes(1)).setRetryOptions(RETRY)
          .setSummary("live model / next version").build());
  // copying and joining training data can take a while on S3; the adapter heartbeats while it works
  private final RetrainActivities assembly = Workflow.newActivityStub(RetrainActivities.class,
      ActivityOptions.newBuilder().setStartToCloseTimeout(Duration.ofHours(2)).setHeartbeatTimeout(
          Duration.ofMinutes(1)).setRetryOptions(RETRY).setSummary("assemble training data").build());

  private final String model;
  private RetrainPolicy policy;
  private final List<RetrainJournalEntry> journal;
  private RetrainTrigger pending;
  private RetrainTrigger lastCause;
  private String disabledBy;
  private int runsStarted;

  private State phase = State.IDLE;
  private String currentRun;
  private String currentVersion;
  private Instant coolingDownUntil;
  private boolean policyChanged;
  private int signals;
  // drift alarms that arrived while retraining, to be signalled to the open run by the workflow's main thread
  private final List<AlarmSignal> toForward = new ArrayList<>();
  private final Set<String> forwarded = new HashSet<>();

  @WorkflowInit
  public RetrainWorkflowImpl(RetrainInput input) {
    this.model = input.model();
    this.policy = input.policy();
    this.journal = new ArrayList<>(input.journal());
    this.pending = input.pending();
    this.lastCause = input.lastCause();
    this.disabledBy = input.disabledBy();
    this.runsStarted = input.runsStarted();
  }

  @Override
  public void run(RetrainInput input) {
    if (!PipelineRequest.isValidModelName(model)) {
      throw ApplicationFailure.newNonRetryableFailure("'" + model + "' is not a model name", "BadRequest");
    }
    Workflow.await(() -> (pending != null && disabledBy == null) || signals >= MAX_SIGNALS_PER_RUN
        || Workflow.getInfo().isContinueAsNewSuggested());
    if (pending != null && disabledBy == null) {
      RetrainTrigger trigger = pending;
      pending = null;
      retrain(trigger);
      coolDown();
    }
    Workflow.continueAsNew(new RetrainInput(model, policy, journal, pending, lastCause, disabledBy, runsStarted));
  }

  private void retrain(RetrainTrigger trigger) {
    phase = State.RETRAINING;
    lastCause = trigger;
    attempt(trigger);
    // not in a finally: a worker evicting this workflow from its cache unwinds the thread through finally blocks,
    // which would journal (and log) alarms that were never coalesced
    currentRun = null;
    currentVersion = null;
    for (AlarmSignal a : toForward) {
      note(Event.COALESCED, RetrainTrigger.alarm(a), null, null, null,
          "arrived while a retrain was being prepared; that retrain did not start");
    }
    toForward.clear();
  }

  private void attempt(RetrainTrigger trigger) {
    try {
      LiveModel live = lookups.liveModel(model);
      DeploymentPolicy runPolicy = live.policy();
      if (Workflow.getVersion("retrain-advisory-answers", Workflow.DEFAULT_VERSION, 1) >= 1) {
        runPolicy = retrainPolicy(live.policy());
      }
      String version = lookups.nextVersion(model);
      List<String> taken = new ArrayList<>();
      for (int attempt = 1; attempt <= MAX_VERSION_ATTEMPTS; attempt++) {
        currentVersion = version;
        TrainingData data = assembly.assembleData(new DataRequest(model, version, live, policy.useCapturedData()));
        PipelineRequest request = new PipelineRequest(model, version, data.data(), live.hyperparameters(),
            trigger.requestedBy(), runPolicy, trigger.toCause());
        List<String> problems = request.problems();
        if (!problems.isEmpty()) {
          note(Event.RUN_FAILED, trigger, request.workflowId(), version, null,
              "the next run's request is invalid: " + String.join("; ", problems));
          return;
        }
        if (runChild(request, trigger, live, data, taken)) {
          return;
        }
        taken.add(version);
        version = VersionNames.next(version);
      }
      note(Event.RUN_FAILED, trigger, null, null, null, "versions " + taken + " all had runs already");
    } catch (CanceledFailure e) {
      throw e;
    } catch (ActivityFailure e) {
      note(Event.RUN_FAILED, trigger, null, currentVersion, null, "could not prepare the run: " + rootMessage(e));
    } catch (ChildWorkflowFailure e) {
      note(Event.RUN_FAILED, trigger, null, currentVersion, null, "could not start the run: " + rootMessage(e));
    } catch (IllegalArgumentException e) {
      // VersionNames: the live version's label cannot be counted on
      note(Event.RUN_FAILED, trigger, null, currentVersion, null, e.getMessage());
    }
  }

  /**
   * The live version's policy for its retrain run, but with the judge's answer metrics advisory: the run retrains on
   * drifted data so that its answers move, and a judge that rolled back every moved answer would undo the retrain.
   * A difference in answers pauses the canary for a human (MARGINAL, the same approval update); errors and latency
   * keep the weight the live policy gives them.
   */
  static DeploymentPolicy retrainPolicy(DeploymentPolicy live) {
    DeploymentPolicy base = live == null ? DeploymentPolicy.defaults() : live;
    return base.toBuilder().judge(base.judge().forRetrain()).build();
  }

  /** False when the version already had a run; otherwise runs it to its end and journals how it ended. */
  private boolean runChild(PipelineRequest request, RetrainTrigger trigger, LiveModel live, TrainingData data,
      List<String> taken) {
    String id = request.workflowId();
    // PipelineRuns gives the child what a client start gives a run; its summary is the retrain cause's (as before)
    SafeDeploymentWorkflow child = Workflow.newChildWorkflowStub(SafeDeploymentWorkflow.class,
        PipelineRuns.childOptions(SafeDeploymentWorkflow.TASK_QUEUE, request, details(request, trigger, live, data)));
    Promise<PipelineResult> result = Async.function(child::run, request);
    try {
      Workflow.getWorkflowExecution(child).get();
    } catch (ChildWorkflowFailure e) {
      if (e.getCause() instanceof WorkflowExecutionAlreadyStarted) {
        log.info("{} already had a run; trying the next version", id);
        return false;
      }
      throw e;
    }
    currentRun = id;
    runsStarted++;
    note(Event.RUN_STARTED, trigger, id, request.version(), null, trigger.describe()
        + (taken.isEmpty() ? "" : " (skipped " + taken + ": they already had runs)")
        + "; training data: " + data.description());
    while (true) {
      Workflow.await(() -> result.isCompleted() || !toForward.isEmpty());
      forwardAlarms(id);
      if (result.isCompleted()) {
        break;
      }
    }
    try {
      PipelineResult r = result.get();
      note(Event.RUN_FINISHED, trigger, id, request.version(), r.outcome(), r.reason());
    } catch (ChildWorkflowFailure e) {
      note(Event.RUN_FAILED, trigger, id, request.version(), null, "the run failed: " + rootMessage(e));
    }
    return true;
  }

  private void forwardAlarms(String runId) {
    while (!toForward.isEmpty()) {
      AlarmSignal a = toForward.remove(0);
      // the bridge and the evaluator may deliver one transition twice: the run gets it once
      String key = a.alarmName() + "@" + a.transitionedAt();
      if (!forwarded.add(key)) {
        note(Event.COALESCED_INTO_RUN, RetrainTrigger.alarm(a), runId, currentVersion, null,
            "already recorded on " + runId);
        continue;
      }
      SafeDeploymentWorkflow run = Workflow.newExternalWorkflowStub(SafeDeploymentWorkflow.class, runId);
      if (ExternalSignal.deliver(() -> run.alarm(a))) {
        note(Event.RECORDED_ON_RUN, RetrainTrigger.alarm(a), runId, currentVersion, null,
            "a retrain is open: the alarm is recorded on " + runId + " instead of starting another");
      } else {
        note(Event.COALESCED_INTO_RUN, RetrainTrigger.alarm(a), runId, currentVersion, null,
            runId + " had already ended; nothing recorded on it");
      }
    }
  }

  private void coolDown() {
    phase = State.COOLING_DOWN;
    Instant ended = now();
    while (true) {
      coolingDownUntil = ended.plus(policy.coolDown());
      Duration left = Duration.between(now(), coolingDownUntil);
      if (left.isZero() || left.isNegative()) {
        break;
      }
      policyChanged = false;
      if (!Workflow.await(left, () -> policyChanged)) {
        break;
      }
    }
    coolingDownUntil = null;
    phase = State.IDLE;
  }

  @Override
  public void trigger(RetrainTrigger trigger) {
    signals++;
    String problem = trigger == null ? "empty retrain trigger" : trigger.problem();
    if (problem != null) {
      note(Event.REFUSED, trigger, null, null, null, problem);
      return;
    }
    accept(trigger);
  }

  @Override
  public void alarm(AlarmSignal alarm) {
    signals++;
    String problem = alarm == null ? "empty alarm signal" : alarm.problem();
    if (problem != null) {
      note(Event.REFUSED, null, null, null, null, problem);
      return;
    }
    if (!alarm.signalsAlarm()) {
      return; // a drift alarm returning to OK asks for nothing
    }
    if (phase == State.RETRAINING) {
      toForward.add(alarm);
      return;
    }
    accept(RetrainTrigger.alarm(alarm));
  }

  private void accept(RetrainTrigger trigger) {
    if (disabledBy != null) {
      note(Event.REFUSED, trigger, null, null, null, "retraining is disabled (by " + disabledBy + ")");
    } else if (phase == State.RETRAINING) {
      note(Event.COALESCED_INTO_RUN, trigger, currentRun, currentVersion, null, currentRun == null
          ? "a retrain is being prepared; it is the retrain this asks for"
          : currentRun + " is open; it is the retrain this asks for");
    } else if (phase == State.COOLING_DOWN) {
      note(Event.COALESCED, trigger, null, null, null, "cooling down until " + coolingDownUntil);
    } else if (pending != null) {
      note(Event.COALESCED, trigger, null, null, null, "a retrain for " + pending.describe() + " is starting");
    } else {
      pending = trigger;
      note(Event.ACCEPTED, trigger, null, null, null, trigger.describe());
    }
  }

  @Override
  public void configure(RetrainPolicy newPolicy) {
    signals++;
    List<String> problems = newPolicy == null ? List.of("empty policy") : newPolicy.problems();
    if (!problems.isEmpty()) {
      note(Event.REFUSED, null, null, null, null, "policy refused: " + String.join("; ", problems));
      return;
    }
    policy = newPolicy;
    policyChanged = true;
    note(Event.CONFIGURED, null, null, null, null, "cool-down " + newPolicy.coolDown()
        + (newPolicy.useCapturedData() ? ", captured production data may be used" : ", no captured data"));
  }

  @Override
  public void disable(String by) {
    signals++;
    disabledBy = by == null || by.isBlank() ? "unknown" : by;
    note(Event.DISABLED, null, null, null, null, "retraining disabled by " + disabledBy);
    if (pending != null) {
      note(Event.REFUSED, pending, null, null, null, "retraining was disabled before this retrain started");
      pending = null;
    }
  }

  @Override
  public void enable(String by) {
    signals++;
    if (disabledBy != null) {
      disabledBy = null;
      note(Event.ENABLED, null, null, null, null, "retraining enabled by " + (by == null ? "unknown" : by));
    }
  }

  @Override
  public RetrainStatus status() {
    State state = phase == State.IDLE && disabledBy != null ? State.DISABLED : phase;
    return new RetrainStatus(model, state, currentRun, currentVersion, lastCause, policy, coolingDownUntil,
        disabledBy, runsStarted, List.copyOf(journal));
  }

  private void note(Event event, RetrainTrigger trigger, String run, String version, Outcome outcome,
      String detail) {
    journal.add(new RetrainJournalEntry(now(), event, trigger, run, version, outcome, detail));
    while (journal.size() > MAX_JOURNAL) {
      journal.remove(0);
    }
    log.info("retrain {}: {} {}", model, event, detail);
  }

  static String details(PipelineRequest r, RetrainTrigger t, LiveModel live, TrainingData data) {
    StringBuilder b = new StringBuilder();
    b.append("**Retrain** of `").append(r.model()).append("` from live version `").append(live.version())
        .append("`, as `").append(r.version()).append("`\n\n");
    b.append("**Cause** ").append(t.kind()).append(": ").append(t.describe()).append('\n');
    if (t.reason() != null && t.kind() == RetrainTrigger.Kind.ALARM) {
      b.append("- reason: ").append(t.reason()).append('\n');
    }
    if (t.at() != null) {
      b.append("- at: ").append(t.at()).append('\n');
    }
    b.append("\n**Training data** ").append(data.description()).append(" (").append(data.capturedRows())
        .append(" captured production rows)\n");
    b.append("- train: ").append(r.data().train()).append('\n');
    b.append("- validation: ").append(r.data().validation()).append('\n');
    b.append("- test: ").append(r.data().test()).append('\n');
    b.append("- baseline: ").append(r.data().baseline()).append("\n\n");
    b.append("**Hyperparameters** (as ").append(live.version()).append(") ")
        .append(r.hyperparameters().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
            .collect(Collectors.joining(", "))).append('\n');
    return b.toString();
  }

  private static String rootMessage(TemporalFailure e) {
    Throwable t = e;
    while (t.getCause() != null) {
      t = t.getCause();
    }
    return t instanceof ApplicationFailure a ? a.getOriginalMessage() : t.getMessage();
  }

  private static Instant now() {
    return Instant.ofEpochMilli(Workflow.currentTimeMillis());
  }
}
