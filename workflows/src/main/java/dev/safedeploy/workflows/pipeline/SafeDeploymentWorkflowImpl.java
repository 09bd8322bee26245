package dev.safedeploy.workflows.pipeline;

import static dev.safedeploy.workflows.activities.Failures.rootMessage;
import static dev.safedeploy.workflows.pipeline.journal.StatusJournal.now;

import dev.safedeploy.workflows.activities.AlarmActivities;
import dev.safedeploy.workflows.activities.BaselineActivities;
import dev.safedeploy.workflows.activities.BaselineActivities.BaselineRequest;
import dev.safedeploy.workflows.activities.BaselineActivities.BaselineResult;
import dev.safedeploy.workflows.activities.EndpointActivities;
import dev.safedeploy.workflows.activities.EndpointActivities.EndpointSpec;
import dev.safedeploy.workflows.activities.EndpointActivities.ModelSpec;
import dev.safedeploy.workflows.activities.EndpointActivities.ProductionState;
import dev.safedeploy.workflows.activities.EndpointActivities.VariantSpec;
import dev.safedeploy.workflows.activities.HookActivities;
import dev.safedeploy.workflows.activities.HookActivities.HookRequest;
import dev.safedeploy.workflows.activities.HookActivities.HookResult;
import dev.safedeploy.workflows.activities.MonitoringActivities;
import dev.safedeploy.workflows.activities.MonitoringActivities.MonitoringRequest;
import dev.safedeploy.workflows.activities.MonitoringActivities.RetireRequest;
import dev.safedeploy.workflows.activities.NotificationActivities;
import dev.safedeploy.workflows.activities.NotificationActivities.Kind;
import dev.safedeploy.workflows.activities.TemplateActivities;
import dev.safedeploy.workflows.activities.TemplateActivities.BuildRequest;
import dev.safedeploy.workflows.activities.TrafficActivities;
import dev.safedeploy.workflows.activities.TrainingActivities;
import dev.safedeploy.workflows.activities.TrainingActivities.TrainingRequest;
import dev.safedeploy.workflows.activities.TrainingActivities.TrainingResult;
import dev.safedeploy.workflows.judge.JudgeActivities;
import dev.safedeploy.workflows.lease.LeaseActivities;
import dev.safedeploy.workflows.pipeline.approval.ApprovalGate;
import dev.safedeploy.workflows.pipeline.canary.Canary;
import dev.safedeploy.workflows.pipeline.canary.CanaryJudge;
import dev.safedeploy.workflows.pipeline.canary.CanaryWatch;
import dev.safedeploy.workflows.pipeline.canary.Production;
import dev.safedeploy.workflows.pipeline.journal.Notifier;
import dev.safedeploy.workflows.pipeline.journal.StatusJournal;
import dev.safedeploy.workflows.pipeline.lease.ProdLeaseClaim;
import dev.safedeploy.workflows.pipeline.rollback.Rollback;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.workflow.Saga;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInit;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;

/**
 * The safe-deployment pipeline. Deterministic: all I/O is in activities, all time from {@link Workflow}.
 *
 * <p>Change discipline: this code runs against histories recorded by earlier builds. Any change to the sequence of
 * commands (activities, timers, search-attribute upserts) must be guarded with {@code Workflow.getVersion(changeId,
 * DEFAULT_VERSION, n)} keeping the old branch until no open run needs it, and must keep the replay tests
 * ({@code SafeDeploymentWorkflowReplayTest} over {@code workflows/src/test/resources/histories}) green; record a new
 * history for every new path.
 */
public class SafeDeploymentWorkflowImpl implements SafeDeploymentWorkflow {

  private static final Logger log = Workflow.getLogger(SafeDeploymentWorkflowImpl.class);
  static final String DEV_INSTANCE_TYPE = "ml.t2.medium";
  private static final int SAMPLE_ROWS = 20;

  private final PipelineRequest request;
  private final ResourceNames names;
  private final DeploymentPolicy policy;

  private final TemplateActivities templates;
  private final TrainingActivities training;
  private final BaselineActivities baseline;
  private final EndpointActivities endpoints;
  private final TrafficActivities traffic;
  private final AlarmActivities alarms;
  private final HookActivities hooks;
  private final NotificationActivities notifications;
  private final MonitoringActivities monitoring;
  private final LeaseActivities leases;
  private final StatusJournal journal;
  private final Notifier notifier;
  private final Interrupts interrupts;
  private final ApprovalGate approvalGate;
  private final ProdLeaseClaim lease;
  private final Production production;
  private final CanaryWatch watch;
  private final CanaryJudge judge;
  private final Canary canary;
  private final Rollback rollback;

  // What the run has seen and done; the status query reads these.
  private Double validationRmse;
  private Double liveRmse;
  private String devEndpoint;

  // Compensation bookkeeping: what exists that a rollback must undo.
  private boolean devCreated;

  private String modelName;
  private boolean monitoringBegun;
  // Compensations registered next to the steps that need them, run in reverse (from version converging-rollback 1).
  private final Saga saga = new Saga(new Saga.Options.Builder().setContinueWithError(true).build());



  @WorkflowInit
  public SafeDeploymentWorkflowImpl(PipelineRequest request) {
    this.request = request;
    this.names = request.names();
    this.policy = request.policy();
    this.journal = new StatusJournal(request.model(), request.version(), this::detailsBody);
    String run = request.model() + " " + request.version();
    templates = Workflow.newActivityStub(TemplateActivities.class,
        ActivityStubs.quick(Duration.ofMinutes(5), 5, "build: validate templates for " + run));
    training = Workflow.newActivityStub(TrainingActivities.class,
        ActivityStubs.heartbeating(Duration.ofHours(12), 3, "train XGBoost " + run));
    baseline = Workflow.newActivityStub(BaselineActivities.class,
        ActivityStubs.heartbeating(Duration.ofHours(2), 3, "baseline statistics " + run));
    endpoints = Workflow.newActivityStub(EndpointActivities.class,
        ActivityStubs.heartbeating(Duration.ofHours(1), 10, "endpoints for " + run));
    traffic = Workflow.newActivityStub(TrafficActivities.class,
        ActivityStubs.heartbeating(Duration.ofMinutes(30), 20, "shift production traffic " + run));
    alarms = Workflow.newActivityStub(AlarmActivities.class,
        ActivityStubs.quick(Duration.ofSeconds(30), 3, "canary alarms " + run));
    hooks = Workflow.newActivityStub(HookActivities.class,
        ActivityStubs.heartbeating(Duration.ofMinutes(10), 3, "traffic hooks " + run));
    notifications = Workflow.newActivityStub(NotificationActivities.class,
        ActivityStubs.quick(Duration.ofSeconds(30), 3, "notify about " + run));
    monitoring = Workflow.newActivityStub(MonitoringActivities.class,
        ActivityStubs.heartbeating(Duration.ofMinutes(30), 5, "drift monitoring " + run));
    JudgeActivities judges = Workflow.newActivityStub(JudgeActivities.class,
        ActivityStubs.quick(Duration.ofMinutes(2), 3, "judge green " + request.version() + " against blue"));
    leases = Workflow.newActivityStub(LeaseActivities.class,
        ActivityStubs.quick(Duration.ofSeconds(30), 10, "ask for the production lease of " + names.prodEndpoint()));
    notifier = new Notifier(notifications, journal, request.model(), request.version());
    interrupts = new Interrupts(journal);
    approvalGate = new ApprovalGate(request, journal, interrupts, notifier, alarms);
    lease = new ProdLeaseClaim(request, journal, interrupts, leases);
    production = new Production(names.variant());
    watch = new CanaryWatch(request, journal, interrupts, approvalGate, production, alarms);
    rollback = new Rollback(request, journal, interrupts, production, watch, saga, endpoints, traffic);
    judge = new CanaryJudge(request, journal, interrupts, notifier, production, watch, saga, judges);
    canary = new Canary(request, journal, interrupts, production, watch, judge, saga,
        new Canary.Compensations(rollback::restoreProduction, this::retireMonitoring), endpoints, traffic, hooks,
        alarms);
  }

  @Override
  public PipelineResult run(PipelineRequest ignored) {
    lease.listen();
    try {
      return runPipeline();
    } finally {
      // Also when the run fails outright (finish released it already otherwise); a terminated run runs no code, the
      // lease workflow's liveness check frees its lease.
      lease.release();
    }
  }

  private PipelineResult runPipeline() {
    journal.opened();
    List<String> problems = request.problems();
    if (!problems.isEmpty()) {
      return finish(Outcome.FAILED, "invalid request: " + String.join("; ", problems));
    }
    journal.event("requested by " + request.requestedBy() + ", strategy " + policy.strategy()
        + (request.retrainCause() == null ? "" : "; retrain: " + request.retrainCause().description()));
    try {
      return pipeline();
    } catch (Abort abort) {
      return rollBackAndFinish(abort.outcome(), abort.getMessage());
    } catch (CanceledFailure cancelled) {
      return rollBackAndFinish(Outcome.ROLLED_BACK, "workflow cancelled during " + journal.stage());
    } catch (ActivityFailure failure) {
      if (failure.getCause() instanceof CanceledFailure) {
        return rollBackAndFinish(Outcome.ROLLED_BACK, "workflow cancelled during " + journal.stage());
      }
      return rollBackAndFinish(Outcome.FAILED, journal.stage() + " failed: " + rootMessage(failure));
    }
  }

  private PipelineResult pipeline() {
    journal.enter(Stage.BUILD);
    var built = templates.buildTemplates(
        new BuildRequest(request.model(), request.version(), policy.strategy().name()));
    // Named alarms must exist before anything is paid for; runs recorded before this check went on without it.
    if (!policy.alarmNames().isEmpty() && Workflow.getVersion("alarm-names-exist", Workflow.DEFAULT_VERSION, 1) >= 1) {
      List<String> missing = alarms.missingAlarms(policy.alarmNames());
      if (!missing.isEmpty()) {
        throw new Abort(Outcome.FAILED, "policy.alarmNames: no such alarm " + String.join(", ", missing)
            + " on the backend; create it first, or leave --alarm out to use the backend's own canary alarms");
      }
    }
    journal.leave("validated " + built.templates().size() + " templates");

    journal.enter(Stage.TRAIN);
    TrainingResult trained = interrupts.interruptible(() -> training.train(new TrainingRequest(names.trainingJob(),
        request.model(), request.version(), request.data().train(), request.data().validation(),
        request.hyperparameters(), request.requestedBy())));
    validationRmse = trained.validationRmse();
    journal.leave(String.format("validation:rmse %.4f after %d rounds", trained.validationRmse(), trained.rounds()));

    journal.enter(Stage.QUALITY_GATE);
    ProductionState live = endpoints.describeProduction(request.model(), names.prodEndpoint());
    liveRmse = live.liveRmse();
    production.liveVersion(live.liveVersion());
    String gate = qualityGate(trained.validationRmse(), live);
    if (gate != null) {
      throw new Abort(Outcome.FAILED_QUALITY_GATE, gate);
    }
    journal.leave(liveRmse == null
        ? String.format("rmse %.4f < threshold %.2f", validationRmse, policy.rmseThreshold())
        : String.format("rmse %.4f vs live %s %.4f", validationRmse, live.liveVersion(), liveRmse));

    journal.enter(Stage.BASELINE);
    BaselineResult stats = interrupts.interruptible(() -> baseline.createBaseline(new BaselineRequest(
        names.baselineJob(), request.model(), request.version(), request.data().baseline(), request.data().train())));
    journal.leave("statistics " + stats.statisticsUri());

    journal.enter(Stage.DEPLOY_DEV);
    modelName = endpoints.createModel(new ModelSpec(names.modelName(), request.model(), request.version(),
        trained.artifactUri(), trained.validationRmse()));
    devCreated = true;
    saga.addCompensation(this::deleteDevEndpoint);
    devEndpoint = names.devEndpoint();
    interrupts.interruptible(() -> endpoints.deployEndpoint(new EndpointSpec(names.devEndpoint(), request.model(),
        List.of(new VariantSpec(names.variant(), modelName, request.version(), 1, 1, DEV_INSTANCE_TYPE)), false)));
    HookResult smoke = interrupts.interruptible(() -> hooks.smokeTest(new HookRequest(names.devEndpoint(), null,
        request.data().test(), SAMPLE_ROWS, policy.maxHookLatencyMillis())));
    if (!smoke.passed()) {
      throw new Abort(Outcome.FAILED, "smoke test on " + names.devEndpoint() + " failed: " + smoke.reason());
    }
    journal.leave("smoke test passed (" + smoke.invocations() + " invocations, p99 " + smoke.p99LatencyMillis()
        + " ms)");

    journal.enter(Stage.AWAIT_APPROVAL);
    approvalGate.await(live, validationRmse, liveRmse);
    journal.leave("approved by " + approvalGate.approval().approver() + " via " + approvalGate.approval().via());

    // One run at a time in production per endpoint; runs recorded before the lease go straight on.
    if (Workflow.getVersion("prod-lease", Workflow.DEFAULT_VERSION, 1) >= 1) {
      lease.acquire();
    }

    journal.enter(Stage.DEPLOY_PROD);
    deployProd();
    journal.leave("live at 100%" + (production.blueVersion() == null ? " (first deployment)" : ", " + production.blueVersion() + " retired"));

    journal.enter(Stage.MONITOR);
    monitoringBegun = true;
    var monitor = monitoring.enableMonitoring(new MonitoringRequest(request.model(), request.version(),
        names.prodEndpoint(), names.monitoringSchedule(), stats.statisticsUri(), stats.constraintsUri(),
        policy.driftThreshold()));
    journal.event("drift monitoring " + monitor.scheduleName() + ", alarm" + (monitor.driftAlarmNames() == null
        || monitor.driftAlarmNames().size() <= 1 ? " " + monitor.driftAlarmName()
        : "s " + monitor.driftAlarmNames()));
    endpoints.deleteEndpoint(names.devEndpoint());
    devCreated = false;
    String reason = "promoted to production"
        + (production.blueVersion() == null ? " (first deployment)" : ", replacing " + production.blueVersion());
    journal.promoted(reason);
    notifier.notify(Kind.PROMOTED, request.model() + " " + request.version() + " is live", Map.of());
    watchWindow();
    journal.leave("watch window over");
    return finish(Outcome.PROMOTED, reason);
  }

  /** Null when the model may go on, otherwise why not. */
  private String qualityGate(double rmse, ProductionState live) {
    if (Double.isNaN(rmse) || rmse >= policy.rmseThreshold()) {
      return String.format("validation:rmse %.4f is not under the threshold %.2f", rmse, policy.rmseThreshold());
    }
    if (live.liveRmse() != null) {
      double limit = live.liveRmse() * (1 + policy.rmseTolerance());
      if (rmse > limit) {
        return String.format("validation:rmse %.4f is worse than live %s (%.4f) by more than %.0f%%", rmse,
            live.liveVersion(), live.liveRmse(), policy.rmseTolerance() * 100);
      }
    }
    return null;
  }

  private void deployProd() {
    ProductionState prod = endpoints.describeProduction(request.model(), names.prodEndpoint());
    if (lease.queued()) {
      regate(prod);
    }
    canary.deploy(prod, modelName);
  }

  private void watchWindow() {
    if (policy.watchWindow().isZero()) {
      return;
    }
    Instant end = now().plus(policy.watchWindow());
    journal.until(end);
    String blue = production.blueVersion();
    journal.step("watch window: operator rollback restores " + (blue == null ? "nothing" : blue) + " until " + end);
    Workflow.await(policy.watchWindow(), () -> interrupts.rollbackRequested());
    journal.until(null);
    if (interrupts.rollbackRequested()) {
      ProductionState prod = endpoints.describeProduction(request.model(), names.prodEndpoint());
      if (!request.version().equals(prod.liveVersion())) {
        journal.event("rollback refused: production now serves " + prod.liveVersion() + ", not " + request.version());
        return;
      }
      throw new Abort(Outcome.ROLLED_BACK, interrupts.operatorReason());
    }
    journal.step(null);
  }

  /** After waiting in line, production may serve another version than the one the quality gate compared with. */
  private void regate(ProductionState prod) {
    if (java.util.Objects.equals(prod.liveVersion(), production.liveVersion())) {
      return;
    }
    journal.event("while queued, production changed from " + production.liveVersion() + " to " + prod.liveVersion());
    production.liveVersion(prod.liveVersion());
    liveRmse = prod.liveRmse();
    String gate = qualityGate(validationRmse, prod);
    if (gate != null) {
      throw new Abort(Outcome.FAILED_QUALITY_GATE, gate);
    }
  }

  // ---- rollback ----

  private PipelineResult rollBackAndFinish(Outcome result, String why) {
    Rollback.Ending ending = rollback.undo(result, why, this::deleteDevEndpoint);
    return finish(ending.outcome(), ending.reason());
  }

  /**
   * This version's drift schedule goes when it stops being live after its monitoring began (a rollback in the watch
   * window); the version serving again gets its schedule back, so production keeps exactly one.
   */
  private void retireMonitoring() {
    if (!monitoringBegun) {
      return;
    }
    ResourceNames restored = production.liveVersion() == null || production.liveVersion().equals(request.version()) ? null
        : new ResourceNames(request.model(), production.liveVersion());
    quietly(() -> {
      monitoring.retireMonitoring(new RetireRequest(request.model(), request.version(), names.prodEndpoint(),
          names.monitoringSchedule(), restored == null ? null : restored.version(),
          restored == null ? null : restored.monitoringSchedule(), restored == null ? null : restored.baselineJob(),
          policy.driftThreshold()));
      journal.event("drift monitoring " + names.monitoringSchedule() + " removed" + (restored == null ? ""
          : ", " + restored.monitoringSchedule() + " restored"));
    }, "retire drift monitoring");
  }

  private void deleteDevEndpoint() {
    if (devCreated) {
      quietly(() -> endpoints.deleteEndpoint(names.devEndpoint()), "delete dev endpoint");
      journal.event("dev endpoint " + names.devEndpoint() + " deleted");
    }
  }

  // ---- message handlers ----

  @Override
  public void approve(ApprovalDecision d) {
    signalDecision(d == null ? null
        : new ApprovalDecision(true, d.approver(), d.comment(), via(d, "signal"), d.overrideAlarms()));
  }

  @Override
  public void reject(ApprovalDecision d) {
    signalDecision(d == null ? null : new ApprovalDecision(false, d.approver(), d.comment(), via(d, "signal")));
  }

  private void signalDecision(ApprovalDecision d) {
    String problem = decisionProblem(d);
    if (problem != null) {
      approvalGate.refuse(d, problem);
      return;
    }
    accept(d);
  }

  @Override
  public ApprovalRecord decide(ApprovalDecision d) {
    return accept(new ApprovalDecision(d.approve(), d.approver(), d.comment(), via(d, "update"),
        d.overrideAlarms()));
  }

  @Override
  public void validateDecide(ApprovalDecision d) {
    String problem = decisionProblem(d);
    if (problem != null) {
      throw new IllegalArgumentException(problem);
    }
  }

  /** A marginal canary judgement waiting for a decision takes it; otherwise it is the approval. */
  private ApprovalRecord accept(ApprovalDecision d) {
    return judge.awaits() ? judge.accept(d) : approvalGate.accept(d);
  }

  private String decisionProblem(ApprovalDecision d) {
    return approvalGate.problem(d, judge.awaits());
  }

  @Override
  public void alarm(AlarmSignal a) {
    watch.onSignal(a);
  }

  @Override
  public void rollback(RollbackRequest r) {
    interrupts.requestRollback(r);
  }

  @Override
  public PipelineStatus status() {
    return new PipelineStatus(Workflow.getInfo().getWorkflowId(), request.model(), request.version(),
        request.requestedBy(), journal.stage(), journal.step(), journal.stepEndsAt(), journal.stages(), validationRmse,
        liveRmse, devEndpoint, names.prodEndpoint(), production.blueVersion(), production.trafficStep(), production.trafficSteps(), production.weights(),
        approvalGate.approval(), approvalGate.refusedDecisions(), journal.alarms(), journal.events(), journal.outcome(), journal.reason(),
        rollback.alarmToBlueMillis(), lease.status(), judge.judgements(), judge.review(), judge.decisions());
  }

  // ---- helpers ----

  /** What the current details show of production and the judge. */
  private String detailsBody() {
    return (production.weights().isEmpty() ? "" : "\n\ntraffic: " + production.weights()) + judge.details();
  }

  private PipelineResult finish(Outcome result, String why) {
    lease.release();
    journal.finish(result, why);
    if (result != Outcome.PROMOTED) {
      Kind kind = switch (result) {
        case REJECTED, APPROVAL_TIMED_OUT -> Kind.REJECTED;
        case ROLLED_BACK -> Kind.ROLLED_BACK;
        default -> Kind.FAILED;
      };
      Workflow.newDetachedCancellationScope(() -> notifier.notify(kind,
          request.model() + " " + request.version() + ": " + result + " — " + why, Map.of())).run();
    }
    log.info("{} {} finished: {} ({})", request.model(), request.version(), result, why);
    return new PipelineResult(Workflow.getInfo().getWorkflowId(), request.model(), request.version(), result, why,
        validationRmse, liveRmse, production.liveVersion(), production.weights(), rollback.alarmToBlueMillis(), approvalGate.approval(), journal.stages());
  }

  private void quietly(Runnable action, String what) {
    try {
      action.run();
    } catch (ActivityFailure e) {
      journal.event(what + " failed: " + rootMessage(e));
    }
  }

  private static String via(ApprovalDecision d, String fallback) {
    return blank(d.via()) ? fallback : d.via();
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }

}
