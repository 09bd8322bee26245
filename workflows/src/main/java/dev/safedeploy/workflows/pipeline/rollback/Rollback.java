package dev.safedeploy.workflows.pipeline.rollback;

import static dev.safedeploy.workflows.activities.Failures.rootMessage;
import static dev.safedeploy.workflows.pipeline.ActivityStubs.isPermanent;

import dev.safedeploy.workflows.activities.EndpointActivities;
import dev.safedeploy.workflows.activities.EndpointActivities.ModelRef;
import dev.safedeploy.workflows.activities.EndpointActivities.VariantChange;
import dev.safedeploy.workflows.activities.EndpointActivities.VariantSpec;
import dev.safedeploy.workflows.activities.EndpointActivities.VariantState;
import dev.safedeploy.workflows.activities.TrafficActivities;
import dev.safedeploy.workflows.activities.TrafficActivities.TrafficShift;
import dev.safedeploy.workflows.activities.TrafficActivities.TrafficState;
import dev.safedeploy.workflows.pipeline.AlarmSignal;
import dev.safedeploy.workflows.pipeline.DurationText;
import dev.safedeploy.workflows.pipeline.Interrupts;
import dev.safedeploy.workflows.pipeline.Outcome;
import dev.safedeploy.workflows.pipeline.PipelineRequest;
import dev.safedeploy.workflows.pipeline.ResourceNames;
import dev.safedeploy.workflows.pipeline.RetiredModels;
import dev.safedeploy.workflows.pipeline.Stage;
import dev.safedeploy.workflows.pipeline.canary.CanaryWatch;
import dev.safedeploy.workflows.pipeline.canary.Production;
import dev.safedeploy.workflows.pipeline.dev.DevDeployment;
import dev.safedeploy.workflows.pipeline.journal.StatusJournal;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.TemporalFailure;
import io.temporal.workflow.Functions;
import io.temporal.workflow.Saga;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Undoes what the run did: the compensations the stages registered in the saga, run in reverse in a detached scope (a
 * cancelled run still rolls back), production's own restore among them. Production is put back until it is back;
 * the run always ends with an outcome that says what serves (from version converging-rollback 1; runs recorded
 * before made one try).
 */
public final class Rollback {

  private static final int ROLLBACK_ROUNDS = 8;

  /** How the run ends after its rollback. */
  public record Ending(Outcome outcome, String reason) {}

  private final PipelineRequest request;
  private final ResourceNames names;
  private final StatusJournal journal;
  private final Interrupts interrupts;
  private final Production production;
  private final CanaryWatch watch;
  private final Saga saga;
  private final DevDeployment dev;
  private final EndpointActivities endpoints;
  private final TrafficActivities traffic;

  private boolean blueUnrestorable;
  private String restoreNote;
  private String rollbackProblem;
  private Long alarmToBlueMillis;

  public Rollback(PipelineRequest request, StatusJournal journal, Interrupts interrupts, Production production,
      CanaryWatch watch, Saga saga, DevDeployment dev, EndpointActivities endpoints, TrafficActivities traffic) {
    this.request = request;
    this.names = request.names();
    this.journal = journal;
    this.interrupts = interrupts;
    this.production = production;
    this.watch = watch;
    this.saga = saga;
    this.dev = dev;
    this.endpoints = endpoints;
    this.traffic = traffic;
  }

  /**
   * Rolls back and says how the run ends: the outcome stands when production is back (the reason says which version
   * serves when blue was gone); when the rollback could not converge the run ends FAILED and says what is left.
   *
   * @param deleteDev removes the dev endpoint (runs recorded before the saga clean up without it)
   */
  public Ending undo(Outcome result, String why, Functions.Proc deleteDev) {
    if (Workflow.getVersion("converging-rollback", Workflow.DEFAULT_VERSION, 1) == Workflow.DEFAULT_VERSION) {
      compensateV0(why, deleteDev); // runs recorded before: one try, a failing step fails the run
      return new Ending(result, why);
    }
    Workflow.newDetachedCancellationScope(() -> {
      journal.enter(Stage.ROLLBACK, why);
      watch.stop();
      try {
        saga.compensate();
      } catch (Saga.CompensationException e) {
        // each compensation records its own failure; this is a bug guard, never a reason to end without an outcome
        journal.event("compensation failed: " + rootMessage(e));
      }
    }).run();
    if (rollbackProblem != null) {
      return new Ending(Outcome.FAILED, why + "; rollback incomplete: " + rollbackProblem + "; production "
          + production.traffic());
    }
    return new Ending(result, restoreNote == null ? why : why + "; " + restoreNote);
  }

  /** Milliseconds from the alarm (or the canary's start, if later) to traffic back on blue; null without an alarm. */
  public Long alarmToBlueMillis() {
    return alarmToBlueMillis;
  }

  /**
   * Compensation: puts production back until it is back. The first round plans from what the backend last reported to
   * this run (no extra call between an alarm and blue); every later round reads the endpoint afresh, so a step that
   * failed (after its activity's own retries) is tried again against the real state. Blue is put back if gone; if it
   * cannot be, the best surviving version serves; green is removed in every case, and after its promotion (no dev
   * endpoint left) its model with it.
   */
  public void restoreProduction() {
    if (!production.greenAdded()) {
      return;
    }
    Duration pause = Duration.ofSeconds(10);
    for (int round = 1; ; round++) {
      boolean permanent;
      try {
        restoreOnce(round == 1 && production.variants().contains(names.variant()) ? production.knownVariants()
            : endpoints.describeProduction(request.model(), names.prodEndpoint()).variants());
        production.greenAdded(false);
        rollbackProblem = null;
        if (dev.retired() && RetiredModels.enabled()) {
          RetiredModels.delete(journal, endpoints, new ModelRef(dev.modelName(), request.model(), request.version()),
              "green " + request.version() + " is off production and its dev endpoint is gone");
        }
        return;
      } catch (ActivityFailure e) {
        permanent = isPermanent(e);
        rollbackProblem = rootMessage(e);
        journal.event("rollback round " + round + " failed: " + rollbackProblem);
      }
      if (round == ROLLBACK_ROUNDS) {
        rollbackProblem = ROLLBACK_ROUNDS + " rounds failed, last: " + rollbackProblem;
        return;
      }
      if (!permanent) {
        // retrying could not fix it within the activity's attempts: give the backend time before the next round
        journal.step("rollback round " + (round + 1) + " in " + DurationText.format(pause));
        Workflow.sleep(pause);
        pause = min(pause.multipliedBy(2), Duration.ofMinutes(5));
      }
    }
  }

  private void restoreOnce(List<VariantState> variants) {
    String blue = production.blueVersion();
    if (blue != null && !RestorePlan.has(variants, blue) && !blueUnrestorable) {
      journal.step("restoring blue " + blue);
      try {
        variants = endpoints.addVariant(new VariantChange(names.prodEndpoint(), request.model(),
            new VariantSpec(blue, production.blueModelName(), blue, 0, 1, Production.INSTANCE_TYPE))).variants();
      } catch (ActivityFailure e) {
        if (!isPermanent(e)) {
          throw e;
        }
        blueUnrestorable = true;
        journal.event("blue " + blue + " cannot be restored: " + rootMessage(e));
      }
    }
    production.variants(variants);
    RestorePlan plan = RestorePlan.of(variants, blue, names.variant());
    if (plan.target() != null && !plan.weights().isEmpty()) {
      journal.step("100% back to " + (plan.target().equals(blue) ? "blue " : "surviving version ") + plan.target());
      TrafficState state = traffic.shiftTraffic(new TrafficShift(names.prodEndpoint(), plan.weights(), "rollback"));
      production.weights(state.weights());
      timeAlarmToBlue(state);
      journal.event("traffic 100% on " + plan.target()
          + (alarmToBlueMillis == null ? "" : " (" + alarmToBlueMillis + " ms after the alarm)"));
    }
    production.liveVersion(plan.target());
    if (plan.target() != null && !plan.target().equals(blue)) {
      restoreNote = (blue == null ? "" : "blue " + blue + " was gone: ") + "restored " + plan.target()
          + ", the best surviving version";
    }
    if (plan.greenPresent()) {
      journal.step("tearing down green " + request.version());
      production.observe(endpoints.removeVariant(names.prodEndpoint(), names.variant()));
    }
    if (plan.target() == null) {
      production.weights(Map.of());
      restoreNote = blue == null ? null
          : "blue " + blue + " was gone and no other version survives: production endpoint "
              + names.prodEndpoint() + " removed with green";
      journal.event("nothing left to serve: production endpoint " + names.prodEndpoint() + " removed");
    }
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  private void timeAlarmToBlue(TrafficState state) {
    AlarmSignal fired = interrupts.firedAlarm();
    if (fired != null && fired.transitionedAt() != null && state.confirmedAt() != null) {
      // an alarm that fired before the canary's traffic counts from the canary's start (that wait was not the rollback)
      Instant start = production.canaryStartedAt() != null && production.canaryStartedAt().isAfter(
          fired.transitionedAt()) ? production.canaryStartedAt() : fired.transitionedAt();
      alarmToBlueMillis = Duration.between(start, state.confirmedAt()).toMillis();
    }
  }

  /** Runs recorded before the converging rollback: production back once, blue first, then alarms and dev. */
  private void compensateV0(String why, Functions.Proc deleteDev) {
    Workflow.newDetachedCancellationScope(() -> {
      journal.enter(Stage.ROLLBACK, why);
      watch.stop();
      try {
        restoreProductionV0();
      } catch (TemporalFailure e) {
        journal.event("rollback of production failed: " + rootMessage(e));
        throw e;
      } finally {
        watch.unwatchQuietly();
        deleteDev.apply();
      }
    }).run();
  }

  private void restoreProductionV0() {
    if (!production.greenAdded()) {
      return;
    }
    String blue = production.blueVersion();
    if (blue != null) {
      if (production.blueRetired()) {
        journal.step("restoring blue " + blue);
        production.variants(endpoints.addVariant(new VariantChange(names.prodEndpoint(), request.model(),
            new VariantSpec(blue, production.blueModelName(), blue, 0, 1, Production.INSTANCE_TYPE))).variants());
      }
      journal.step("100% back to blue " + blue);
      Map<String, Integer> back = new LinkedHashMap<>();
      back.put(blue, 100);
      back.put(names.variant(), 0);
      production.wholeSet(back);
      TrafficState state = traffic.shiftTraffic(new TrafficShift(names.prodEndpoint(), back, "rollback"));
      production.weights(Map.of(blue, 100));
      production.liveVersion(blue);
      timeAlarmToBlue(state);
      journal.event("traffic 100% on blue " + blue
          + (alarmToBlueMillis == null ? "" : " (" + alarmToBlueMillis + " ms after the alarm)"));
      journal.step("tearing down green " + request.version());
      production.observe(endpoints.removeVariant(names.prodEndpoint(), names.variant()));
    } else {
      journal.step("tearing down green " + request.version() + " (no previous version to restore)");
      production.observe(endpoints.removeVariant(names.prodEndpoint(), names.variant()));
      production.liveVersion(null);
      journal.event("no previous version: production endpoint " + names.prodEndpoint() + " removed");
    }
    production.greenAdded(false);
  }
}
