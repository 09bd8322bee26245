package dev.safedeploy.workflows.pipeline;

import static dev.safedeploy.workflows.activities.Failures.rootMessage;

import dev.safedeploy.workflows.activities.AlarmActivities;
import dev.safedeploy.workflows.activities.BaselineActivities;
import dev.safedeploy.workflows.activities.BaselineActivities.BaselineRequest;
import dev.safedeploy.workflows.activities.BaselineActivities.BaselineResult;
import dev.safedeploy.workflows.activities.EndpointActivities;
import dev.safedeploy.workflows.activities.EndpointActivities.ProductionState;
import dev.safedeploy.workflows.activities.HookActivities;
import dev.safedeploy.workflows.activities.HookActivities.HookResult;
import dev.safedeploy.workflows.activities.MonitoringActivities;
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
import dev.safedeploy.workflows.pipeline.dev.DevDeployment;
import dev.safedeploy.workflows.pipeline.journal.Notifier;
import dev.safedeploy.workflows.pipeline.journal.StatusJournal;
import dev.safedeploy.workflows.pipeline.lease.ProdLeaseClaim;
import dev.safedeploy.workflows.pipeline.monitor.Monitor;
import dev.safedeploy.workflows.pipeline.rollback.Rollback;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.workflow.Saga;
import io.temporal.activity.ActivityOptions;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInit;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;

/**
 * The safe-deployment pipeline, stage by stage; each stage's workings live in its own package ({@code dev},
 * {@code approval}, {@code lease}, {@code canary}, {@code monitor}, {@code rollback}; {@code journal} is what the run
 * tells the world).
 * Deterministic: all I/O is in activities, all time from {@link Workflow}.
 *
 * <p>Change discipline: this code runs against histories recorded by earlier builds. Any change to the sequence of
 * commands (activities, timers, search-attribute upserts) must be guarded with {@code Workflow.getVersion(changeId,
 * DEFAULT_VERSION, n)} keeping the old branch until no open run needs it, and must keep the replay tests
 * ({@code SafeDeploymentWorkflowReplayTest} over {@code workflows/src/test/resources/histories}) green; record a new
 * history for every new path.
 */
public class SafeDeploymentWorkflowImpl implements SafeDeploymentWorkflow {

  private static final Logger log = Workflow.getLogger(SafeDeploymentWorkflowImpl.class);

  private final PipelineRequest request;
  private final ResourceNames names;
  private final DeploymentPolicy policy;

  private final TemplateActivities templates;
  private final TrainingActivities training;
  private final BaselineActivities baseline;
  private final EndpointActivities endpoints;
  private final AlarmActivities alarms;

  private final StatusJournal journal;
  private final Notifier notifier;
  private final Interrupts interrupts;
  // Compensations registered next to the steps that need them, run in reverse (from version converging-rollback 1).
  private final Saga saga = new Saga(new Saga.Options.Builder().setContinueWithError(true).build());
  private final DevDeployment dev;
  private final ApprovalGate approvalGate;
  private final ProdLeaseClaim lease;
  private final Production production;
  private final CanaryWatch watch;
  private final CanaryJudge judge;
  private final Canary canary;
  private final Monitor monitor;
  private final Rollback rollback;

  // What the quality gate compared.
  private Double validationRmse;
  private Double liveRmse;

  @WorkflowInit
  public SafeDeploymentWorkflowImpl(PipelineRequest request) {
    this.request = request;
    this.names = request.names();
    this.policy = request.policy();
    String run = request.model() + " " + request.version();
    templates = Workflow.newActivityStub(TemplateActivities.class,
        ActivityStubs.quick(Duration.ofMinutes(5), 5, "build: validate templates for " + run));
    training = Workflow.newActivityStub(TrainingActivities.class,
        ActivityStubs.heartbeating(Duration.ofHours(12), 3, "train XGBoost " + run));
    baseline = Workflow.newActivityStub(BaselineActivities.class,
        ActivityStubs.heartbeating(Duration.ofHours(2), 3, "baseline statistics " + run));
    endpoints = Workflow.newActivityStub(EndpointActivities.class,
        ActivityStubs.heartbeating(Duration.ofHours(1), 10, "endpoints for " + run));
    TrafficActivities traffic = Workflow.newActivityStub(TrafficActivities.class,
        ActivityStubs.heartbeating(Duration.ofMinutes(30), 20, "shift production traffic " + run));
    alarms = Workflow.newActivityStub(AlarmActivities.class,
        ActivityStubs.quick(Duration.ofSeconds(30), 3, "canary alarms " + run));
    HookActivities hooks = Workflow.newActivityStub(HookActivities.class,
        ActivityStubs.heartbeating(Duration.ofMinutes(10), 3, "traffic hooks " + run));
    NotificationActivities notifications = Workflow.newActivityStub(NotificationActivities.class,
        ActivityStubs.quick(Duration.ofSeconds(30), 3, "notify about " + run));
    MonitoringActivities monitoring = Workflow.newActivityStub(MonitoringActivities.class,
        ActivityStubs.heartbeating(Duration.ofMinutes(30), 5, "drift monitoring " + run));
    // starting or stopping a shadow updates a SageMaker endpoint (minutes, heartbeating); a judgement is quick
    ActivityOptions shadowing = ActivityStubs.heartbeating(Duration.ofHours(1), 5, "shadow traffic to green "
        + request.version());
    JudgeActivities judges = Workflow.newActivityStub(JudgeActivities.class,
        ActivityStubs.quick(Duration.ofMinutes(2), 3, "judge green " + request.version() + " against blue"),
        Map.of("StartShadow", shadowing, "StopShadow", shadowing));
    LeaseActivities leases = Workflow.newActivityStub(LeaseActivities.class,
        ActivityStubs.quick(Duration.ofSeconds(30), 10, "ask for the production lease of " + names.prodEndpoint()));

    journal = new StatusJournal(request.model(), request.version(), this::detailsBody);
    notifier = new Notifier(notifications, journal, request.model(), request.version());
    interrupts = new Interrupts(journal);
    dev = new DevDeployment(request, journal, interrupts, saga, endpoints, hooks);
    approvalGate = new ApprovalGate(request, journal, interrupts, notifier, alarms);
    lease = new ProdLeaseClaim(request, journal, interrupts, leases);
    production = new Production(names.variant());
    watch = new CanaryWatch(request, journal, interrupts, approvalGate, production, alarms);
    judge = new CanaryJudge(request, journal, interrupts, notifier, production, watch, saga, judges);
    monitor = new Monitor(request, journal, interrupts, production, monitoring, endpoints);
    rollback = new Rollback(request, journal, interrupts, production, watch, saga, dev, endpoints, traffic);
    canary = new Canary(request, journal, interrupts, production, watch, judge, saga,
        new Canary.Compensations(rollback::restoreProduction, monitor::retire), endpoints, traffic, hooks, alarms);
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

  /** The story: every stage in order; any {@link Abort} or failure on the way rolls back ({@link #runPipeline}). */
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
    HookResult smoke = dev.deploy(trained);
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
    // Blue is read now, not before approval: a run that waited in line finds what the one before it left.
    ProductionState prod = endpoints.describeProduction(request.model(), names.prodEndpoint());
    if (lease.queued()) {
      regate(prod);
    }
    canary.deploy(prod, dev.modelName());
    String blue = production.blueVersion();
    journal.leave("live at 100%" + (blue == null ? " (first deployment)" : ", " + blue + " retired"));

    journal.enter(Stage.MONITOR);
    monitor.begin(stats);
    dev.retire();
    String reason = "promoted to production" + (blue == null ? " (first deployment)" : ", replacing " + blue);
    journal.promoted(reason);
    notifier.notify(Kind.PROMOTED, request.model() + " " + request.version() + " is live", Map.of());
    monitor.watchWindow();
    monitor.retireBlueModel();
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

  /** After waiting in line, production may serve another version than the one the quality gate compared with. */
  private void regate(ProductionState prod) {
    if (Objects.equals(prod.liveVersion(), production.liveVersion())) {
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

  private PipelineResult rollBackAndFinish(Outcome result, String why) {
    Rollback.Ending ending = rollback.undo(result, why, dev::delete);
    return finish(ending.outcome(), ending.reason());
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
        validationRmse, liveRmse, production.liveVersion(), production.traffic(), rollback.alarmToBlueMillis(),
        approvalGate.approval(), journal.stages());
  }

  /** What the current details show of production and the judge. */
  private String detailsBody() {
    return (production.traffic().isEmpty() ? "" : "\n\ntraffic: " + production.traffic()) + judge.details();
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

  private static String via(ApprovalDecision d, String fallback) {
    return d.via() == null || d.via().isBlank() ? fallback : d.via();
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
        liveRmse, dev.endpoint(), names.prodEndpoint(), production.blueVersion(), production.trafficStep(),
        production.trafficSteps(), production.traffic(), approvalGate.approval(), approvalGate.refusedDecisions(),
        journal.alarms(), journal.events(), journal.outcome(), journal.reason(), rollback.alarmToBlueMillis(),
        lease.status(), judge.judgements(), judge.review(), judge.decisions());
  }
}
