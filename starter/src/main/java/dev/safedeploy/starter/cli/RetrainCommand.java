package dev.safedeploy.starter.cli;

import dev.safedeploy.starter.runs.RunService;
import dev.safedeploy.workflows.client.TemporalConnection;
import dev.safedeploy.workflows.pipeline.DurationText;
import dev.safedeploy.workflows.pipeline.PipelineRequest;
import dev.safedeploy.workflows.retrain.RetrainJournalEntry;
import dev.safedeploy.workflows.retrain.RetrainJournalEntry.Event;
import dev.safedeploy.workflows.retrain.RetrainPolicy;
import dev.safedeploy.workflows.retrain.RetrainScheduleWorkflow;
import dev.safedeploy.workflows.retrain.RetrainSchedules;
import dev.safedeploy.workflows.retrain.RetrainStarter;
import dev.safedeploy.workflows.retrain.RetrainStatus;
import dev.safedeploy.workflows.retrain.RetrainTrigger;
import dev.safedeploy.workflows.retrain.RetrainWorkflow;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.client.WorkflowClient;
import io.temporal.client.schedules.ScheduleClient;
import io.temporal.client.schedules.ScheduleClientOptions;
import io.temporal.client.schedules.ScheduleException;
import io.temporal.client.schedules.ScheduleHandle;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "retrain", sortOptions = false,
    description = "Retrain a model now, by hand: its retrain workflow (retrain-MODEL, started if it is not running)"
        + " starts the next version through the pipeline (same approval, same canary) from the live version's data,"
        + " plus captured production data where its retrain policy allows. One retrain at a time per model: during"
        + " an open retrain or its cool-down the request is recorded, not run.",
    footer = {"", "Examples:", "  safedeploy retrain taxi --reason 'new fare rules from March'",
        "  safedeploy retrain taxi --captured-data --cool-down 12h   (policy for this and later retrains)",
        "  safedeploy retrain taxi --schedule '0 2 1 * *'            (monthly, like the seed's rule; no retrain now)",
        "  safedeploy retrain taxi --unschedule"})
public class RetrainCommand extends ClientCommand {

  /** What ends the wait for the request's fate. ACCEPTED is not one: the run is still being prepared. */
  private static final Set<Event> SETTLED = EnumSet.of(Event.RUN_STARTED, Event.RUN_FAILED, Event.COALESCED,
      Event.COALESCED_INTO_RUN, Event.REFUSED);

  @Parameters(index = "0", paramLabel = "MODEL", description = "model name")
  String model;

  @Option(names = "--reason", paramLabel = "TEXT", description = "why, for the run's summary, history and approvers")
  String reason;

  @Option(names = "--requested-by", paramLabel = "WHO", description = "who asks (default $USER)")
  String requestedBy;

  @Option(names = "--wait", paramLabel = "DURATION", converter = Durations.class,
      description = "how long to wait to say which run started (default 30s; 0 returns once the request is in)")
  Duration wait = Duration.ofSeconds(30);

  @Option(names = "--captured-data", negatable = true,
      description = "retrain policy: add captured production requests that have ground truth to the training data "
          + "(kept for later retrains; default off)")
  Boolean capturedData;

  @Option(names = "--cool-down", paramLabel = "DURATION", converter = Durations.class,
      description = "retrain policy: after a retrain run ends, triggers are only recorded this long (default 6h)")
  Duration coolDown;

  @Option(names = "--schedule", paramLabel = "CRON",
      description = "instead of retraining now, create or update the Temporal Schedule retrain-schedule-MODEL "
          + "(cron, UTC: minute hour day-of-month month day-of-week)")
  String schedule;

  @Option(names = "--unschedule", description = "delete the Temporal Schedule retrain-schedule-MODEL")
  boolean unschedule;

  @Option(names = "--json", description = "print {retrainWorkflowId, runId, trigger, event, run, version, detail}"
      + " (with --schedule: {scheduleId, cron, nextActionTimes})")
  boolean json;

  /** What the command printed, as JSON. */
  record Answer(String retrainWorkflowId, String runId, RetrainTrigger trigger, String event, String run,
      String version, String detail) {}

  @Override
  protected int validate() {
    if (!PipelineRequest.isValidModelName(model)) {
      err().println("safedeploy retrain: '" + model + "' is not a model name (lowercase letters, digits and inner "
          + "hyphens, at most " + PipelineRequest.MAX_MODEL_LENGTH + " characters)");
      err().flush();
      return ExitCodes.BAD_ARGUMENTS;
    }
    if (schedule != null && unschedule) {
      err().println("safedeploy retrain: --schedule and --unschedule exclude each other");
      err().flush();
      return ExitCodes.BAD_ARGUMENTS;
    }
    if (schedule != null) {
      try {
        RetrainSchedules.schedule(model, schedule);
      } catch (IllegalArgumentException e) {
        err().println("safedeploy retrain: " + e.getMessage());
        err().flush();
        return ExitCodes.BAD_ARGUMENTS;
      }
    }
    if (coolDown != null && !new RetrainPolicy(coolDown, null).problems().isEmpty()) {
      err().println("safedeploy retrain: " + String.join("; ", new RetrainPolicy(coolDown, null).problems()));
      err().flush();
      return ExitCodes.BAD_ARGUMENTS;
    }
    if (wait.isNegative()) {
      err().println("safedeploy retrain: --wait must not be negative");
      err().flush();
      return ExitCodes.BAD_ARGUMENTS;
    }
    return -1;
  }

  /** What {@code --schedule} printed, as JSON. */
  record Scheduled(String scheduleId, String cron, List<Instant> nextActionTimes) {}

  @Override
  protected int run(TemporalConnection conn, RunService runs) throws Exception {
    WorkflowClient client = conn.client();
    if (coolDown != null || capturedData != null) {
      RetrainPolicy current = currentPolicy(client);
      RetrainPolicy policy = new RetrainPolicy(coolDown != null ? coolDown : current.coolDown(),
          capturedData != null ? capturedData : current.useCapturedData());
      RetrainStarter.configure(client, model, policy);
      if (!json) {
        out().println("retrain policy of " + model + ": cool-down " + DurationText.format(policy.coolDown())
            + ", captured data " + (policy.useCapturedData() ? "used" : "not used"));
      }
    }
    if (schedule != null || unschedule) {
      ScheduleClient schedules = ScheduleClient.newInstance(conn.stubs(),
          ScheduleClientOptions.newBuilder().setNamespace(conn.namespace()).build());
      String id = RetrainScheduleWorkflow.scheduleId(model);
      if (unschedule) {
        try {
          schedules.getHandle(id).delete();
          out().println(json ? Json.write(new Scheduled(id, null, List.of())) : "schedule " + id + " deleted");
        } catch (ScheduleException e) {
          out().println(json ? Json.write(new Scheduled(id, null, List.of())) : "no schedule " + id);
        }
        return ExitCodes.OK;
      }
      ScheduleHandle handle = RetrainSchedules.upsert(schedules, model, schedule);
      List<Instant> next = handle.describe().getInfo().getNextActionTimes();
      if (json) {
        out().println(Json.write(new Scheduled(id, schedule, next)));
      } else {
        out().println("schedule " + id + ": '" + schedule + "' (UTC) retrains " + model + "; next "
            + (next.isEmpty() ? "never" : next.get(0)));
      }
      return ExitCodes.OK;
    }
    String who = requestedBy != null && !requestedBy.isBlank() ? requestedBy : currentUser();
    RetrainTrigger trigger = RetrainTrigger.manual(who, reason == null || reason.isBlank() ? null : reason.trim(),
        Instant.now());
    WorkflowExecution started = RetrainStarter.trigger(client, model, trigger);
    RetrainJournalEntry entry = awaitFate(client, trigger);
    Answer a = new Answer(started.getWorkflowId(), started.getRunId(), trigger,
        entry == null ? null : entry.event().name(), entry == null ? null : entry.run(),
        entry == null ? null : entry.version(), entry == null ? null : entry.detail());
    if (json) {
      out().println(Json.write(a));
    } else {
      out().println("retrain of " + model + " asked of " + started.getWorkflowId() + " (run " + started.getRunId()
          + "): " + trigger.describe());
      out().println(entry == null ? "  not started yet: the retrain workflow is preparing it (safedeploy list shows "
          + "the run once it starts)" : "  " + describe(entry));
    }
    if (entry == null) {
      return ExitCodes.OK;
    }
    return switch (entry.event()) {
      case RUN_STARTED, COALESCED, COALESCED_INTO_RUN, ACCEPTED -> ExitCodes.OK;
      case REFUSED -> ExitCodes.REFUSED;
      default -> ExitCodes.RUN_NOT_PROMOTED;
    };
  }

  private RetrainPolicy currentPolicy(WorkflowClient client) {
    try {
      RetrainStatus s = client.newWorkflowStub(RetrainWorkflow.class, RetrainWorkflow.workflowId(model)).status();
      return s == null || s.policy() == null ? RetrainPolicy.defaults() : s.policy();
    } catch (RuntimeException e) {
      return RetrainPolicy.defaults(); // not running yet: the configure below starts it
    }
  }

  static String describe(RetrainJournalEntry e) {
    return switch (e.event()) {
      case RUN_STARTED -> "started " + e.run() + " (version " + e.version() + "); " + e.detail();
      case RUN_FAILED -> "no run started: " + e.detail();
      case COALESCED, COALESCED_INTO_RUN -> "no second run: " + e.detail();
      case REFUSED -> "refused: " + e.detail();
      default -> e.event() + ": " + e.detail();
    };
  }

  /** The journal's latest word on this trigger once settled, or the last seen (ACCEPTED) when the wait ran out. */
  private RetrainJournalEntry awaitFate(WorkflowClient client, RetrainTrigger trigger) throws InterruptedException {
    long deadline = System.nanoTime() + wait.toNanos();
    RetrainJournalEntry last = null;
    RetrainWorkflow wf = client.newWorkflowStub(RetrainWorkflow.class, RetrainWorkflow.workflowId(model));
    do {
      RetrainStatus status;
      try {
        status = wf.status();
      } catch (RuntimeException e) {
        status = null; // the first task has not run yet, or the worker is down: ask again
      }
      if (status != null) {
        for (RetrainJournalEntry e : status.journal()) {
          if (trigger.equals(e.trigger())) {
            last = e;
          }
        }
        if (last != null && SETTLED.contains(last.event())) {
          return last;
        }
      }
      if (wait.isZero()) {
        break;
      }
      Thread.sleep(200);
    } while (System.nanoTime() < deadline);
    return last;
  }
}
