package dev.safedeploy.workflows.pipeline.canary;

import static dev.safedeploy.workflows.pipeline.journal.StatusJournal.now;

import dev.safedeploy.workflows.activities.AlarmActivities;
import dev.safedeploy.workflows.activities.AlarmActivities.AlarmWatch;
import dev.safedeploy.workflows.activities.EndpointActivities;
import dev.safedeploy.workflows.activities.EndpointActivities.ProductionState;
import dev.safedeploy.workflows.activities.EndpointActivities.VariantChange;
import dev.safedeploy.workflows.activities.EndpointActivities.VariantSpec;
import dev.safedeploy.workflows.activities.HookActivities;
import dev.safedeploy.workflows.activities.HookActivities.HookRequest;
import dev.safedeploy.workflows.activities.HookActivities.HookResult;
import dev.safedeploy.workflows.activities.TrafficActivities;
import dev.safedeploy.workflows.activities.TrafficActivities.TrafficShift;
import dev.safedeploy.workflows.activities.TrafficActivities.TrafficState;
import dev.safedeploy.workflows.pipeline.Abort;
import dev.safedeploy.workflows.pipeline.DeploymentPolicy;
import dev.safedeploy.workflows.pipeline.Interrupts;
import dev.safedeploy.workflows.pipeline.Outcome;
import dev.safedeploy.workflows.pipeline.PipelineRequest;
import dev.safedeploy.workflows.pipeline.ResourceNames;
import dev.safedeploy.workflows.pipeline.Strategy;
import dev.safedeploy.workflows.pipeline.journal.StatusJournal;
import io.temporal.workflow.Functions;
import io.temporal.workflow.Saga;
import io.temporal.workflow.Workflow;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The production deployment: green is added beside blue with its alarms armed, checked by the pre-traffic hook,
 * shadowed and judged, given traffic step by step (each step baked, alarms watched, the rows green serves paired with
 * blue's answers for the judge), checked by the post-traffic hook
 * and baked at 100%; then blue is retired. Every step that leaves something a rollback must undo registers its
 * compensation first.
 */
public final class Canary {

  private static final int SAMPLE_ROWS = 20;

  /** What the canary registers for a rollback that it does not do itself. */
  public record Compensations(Functions.Proc restoreProduction, Functions.Proc retireMonitoring) {}

  private final PipelineRequest request;
  private final ResourceNames names;
  private final DeploymentPolicy policy;
  private final StatusJournal journal;
  private final Interrupts interrupts;
  private final Production production;
  private final CanaryWatch watch;
  private final CanaryJudge judge;
  private final Saga saga;
  private final Compensations compensations;
  private final EndpointActivities endpoints;
  private final TrafficActivities traffic;
  private final HookActivities hooks;
  private final AlarmActivities alarms;

  public Canary(PipelineRequest request, StatusJournal journal, Interrupts interrupts, Production production,
      CanaryWatch watch, CanaryJudge judge, Saga saga, Compensations compensations, EndpointActivities endpoints,
      TrafficActivities traffic, HookActivities hooks, AlarmActivities alarms) {
    this.request = request;
    this.names = request.names();
    this.policy = request.policy();
    this.journal = journal;
    this.interrupts = interrupts;
    this.production = production;
    this.watch = watch;
    this.judge = judge;
    this.saga = saga;
    this.compensations = compensations;
    this.endpoints = endpoints;
    this.traffic = traffic;
    this.hooks = hooks;
    this.alarms = alarms;
  }

  /** Deploys the registered model {@code modelName} to production as it is now ({@code prod}, read just before). */
  public void deploy(ProductionState prod, String modelName) {
    production.readBlue(prod, request.version());
    String blue = production.blueVersion();
    boolean hasBlue = blue != null;
    List<Integer> steps = hasBlue ? policy.trafficSteps() : List.of(100);
    production.trafficSteps(steps);
    journal.event(hasBlue ? "blue is " + blue + ", green is " + request.version() : "first deployment: no blue");

    journal.step("arming alarms");
    watch.prepare();
    saga.addCompensation(watch::unwatch);
    watch.arm();

    journal.step("adding green variant " + names.variant());
    production.greenAdded(true);
    // runs after production is restored (the saga undoes in reverse), so it knows which version serves again
    if (Workflow.getVersion("monitoring-handover", Workflow.DEFAULT_VERSION, 1) >= 1) {
      saga.addCompensation(compensations.retireMonitoring());
    }
    // runs after production is restored: the paired canary's mirror, if still on, stops once blue serves again
    saga.addCompensation(judge::stopPairingQuietly);
    saga.addCompensation(compensations.restoreProduction());
    production.variants(endpoints.addVariant(new VariantChange(names.prodEndpoint(), request.model(),
        new VariantSpec(names.variant(), modelName, request.version(), hasBlue ? 0 : 100, 1,
            Production.INSTANCE_TYPE))).variants());
    // An alarm that fired before the canary began counts if it is still in ALARM now.
    watch.pollOnce();
    interrupts.checkAbort();

    journal.step("pre-traffic hook");
    HookResult pre = hooks.preTraffic(new HookRequest(names.prodEndpoint(), names.variant(), request.data().test(),
        SAMPLE_ROWS, policy.maxHookLatencyMillis()));
    if (!pre.passed()) {
      throw new Abort(Outcome.ROLLED_BACK, "pre-traffic hook failed: " + pre.reason());
    }
    interrupts.checkAbort();

    if (hasBlue && policy.judge().enabled() && !policy.judge().shadow().isZero()
        && Workflow.getVersion("canary-shadow", Workflow.DEFAULT_VERSION, 1) >= 1) {
      judge.shadowStep(policy.judge().shadow());
    }
    boolean paired = hasBlue && policy.judge().pairsCanary() && steps.stream().anyMatch(s -> s < 100)
        && Workflow.getVersion("canary-paired", Workflow.DEFAULT_VERSION, 1) >= 1;
    if (paired) {
      judge.startPairing();
    }

    for (int i = 0; i < steps.size(); i++) {
      int green = steps.get(i);
      if (paired && green == 100) {
        judge.stopPairing();
      }
      production.trafficStep(i + 1);
      shift(green, "step " + (i + 1) + "/" + steps.size());
      if (green < 100) {
        String label = (policy.strategy() == Strategy.CANARY ? "canary " : "linear ") + green + "% bake";
        Instant bakeStart = now();
        watch.bake(policy.stepBake(), label);
        if (hasBlue && policy.judge().enabled()
            && Workflow.getVersion("canary-judge", Workflow.DEFAULT_VERSION, 1) >= 1) {
          judge.judgeStep(label, bakeStart);
        }
      } else if (policy.strategy() == Strategy.ALL_AT_ONCE && hasBlue
          && Workflow.getVersion("all-at-once-bake", Workflow.DEFAULT_VERSION, 1) >= 1) {
        // The one ALL_AT_ONCE step bakes like any step (--bake), blue still beside it; runs started before this
        // change went straight to the post-traffic hook.
        watch.bake(policy.stepBake(), "all-at-once 100% bake");
      }
    }
    journal.step("post-traffic hook");
    HookResult post = hooks.postTraffic(new HookRequest(names.prodEndpoint(), null, request.data().test(),
        SAMPLE_ROWS, policy.maxHookLatencyMillis()));
    if (!post.passed()) {
      throw new Abort(Outcome.ROLLED_BACK, "post-traffic hook failed: " + post.reason());
    }
    watch.bake(policy.finalBake(), "final bake at 100%");

    watch.disarm();
    if (hasBlue) {
      journal.step("retiring blue " + blue);
      production.observe(endpoints.removeVariant(names.prodEndpoint(), blue));
      production.blueRetired(true);
      if (watch.removesCanaryAlarms()) {
        AlarmWatch blues = new AlarmWatch(Workflow.getInfo().getWorkflowId(), request.model(), blue,
            names.prodEndpoint(), blue, List.of());
        journal.quietly(() -> alarms.deleteCanaryAlarms(blues), "delete blue's canary alarms");
      }
    }
    production.liveVersion(request.version());
    journal.step(null);
  }

  /** One traffic step: green gets {@code greenPercent}, blue the rest, every other variant 0 (weights sum to 100). */
  private void shift(int greenPercent, String label) {
    Map<String, Integer> target = new LinkedHashMap<>();
    if (production.blueVersion() != null) {
      target.put(production.blueVersion(), 100 - greenPercent);
    }
    target.put(names.variant(), greenPercent);
    production.wholeSet(target);
    journal.step("shifting " + greenPercent + "% to " + request.version() + " (" + label + ")");
    TrafficState state = traffic.shiftTraffic(new TrafficShift(names.prodEndpoint(), target, label));
    production.weights(state.weights());
    production.canaryStarted(state.confirmedAt());
    journal.event("traffic " + production.weights());
    interrupts.checkAbort();
  }
}
