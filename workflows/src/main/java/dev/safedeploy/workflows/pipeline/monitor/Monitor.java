package dev.safedeploy.workflows.pipeline.monitor;

import static dev.safedeploy.workflows.pipeline.journal.StatusJournal.now;

import dev.safedeploy.workflows.activities.BaselineActivities.BaselineResult;
import dev.safedeploy.workflows.activities.EndpointActivities;
import dev.safedeploy.workflows.activities.EndpointActivities.ModelRef;
import dev.safedeploy.workflows.activities.EndpointActivities.ProductionState;
import dev.safedeploy.workflows.activities.MonitoringActivities;
import dev.safedeploy.workflows.activities.MonitoringActivities.MonitoringRequest;
import dev.safedeploy.workflows.activities.MonitoringActivities.RetireRequest;
import dev.safedeploy.workflows.pipeline.Abort;
import dev.safedeploy.workflows.pipeline.DeploymentPolicy;
import dev.safedeploy.workflows.pipeline.Interrupts;
import dev.safedeploy.workflows.pipeline.Outcome;
import dev.safedeploy.workflows.pipeline.PipelineRequest;
import dev.safedeploy.workflows.pipeline.ResourceNames;
import dev.safedeploy.workflows.pipeline.RetiredModels;
import dev.safedeploy.workflows.pipeline.canary.Production;
import dev.safedeploy.workflows.pipeline.journal.StatusJournal;
import io.temporal.workflow.Workflow;
import java.time.Instant;

/**
 * The MONITOR stage: drift monitoring handed over to the new version, then the watch window, in which an operator
 * rollback still restores blue. A rollback after the handover hands monitoring back to the version serving again.
 */
public final class Monitor {

  private final PipelineRequest request;
  private final ResourceNames names;
  private final DeploymentPolicy policy;
  private final StatusJournal journal;
  private final Interrupts interrupts;
  private final Production production;
  private final MonitoringActivities monitoring;
  private final EndpointActivities endpoints;

  private boolean begun;

  public Monitor(PipelineRequest request, StatusJournal journal, Interrupts interrupts, Production production,
      MonitoringActivities monitoring, EndpointActivities endpoints) {
    this.request = request;
    this.names = request.names();
    this.policy = request.policy();
    this.journal = journal;
    this.interrupts = interrupts;
    this.production = production;
    this.monitoring = monitoring;
    this.endpoints = endpoints;
  }

  /** Drift monitoring of this version against its baseline statistics. */
  public void begin(BaselineResult stats) {
    begun = true;
    var monitor = monitoring.enableMonitoring(new MonitoringRequest(request.model(), request.version(),
        names.prodEndpoint(), names.monitoringSchedule(), stats.statisticsUri(), stats.constraintsUri(),
        policy.driftThreshold()));
    journal.event("drift monitoring " + monitor.scheduleName() + ", alarm" + (monitor.driftAlarmNames() == null
        || monitor.driftAlarmNames().size() <= 1 ? " " + monitor.driftAlarmName()
        : "s " + monitor.driftAlarmNames()));
  }

  /**
   * Waits out the watch window; an operator rollback in it ends the run ROLLED_BACK ({@link Abort}), unless production
   * no longer serves this version (then it is refused and noted).
   */
  public void watchWindow() {
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

  /**
   * The watch window is over and the promotion stands: no rollback restores blue any more, so blue's model goes (kept
   * only while its watch-window rollback might need it).
   */
  public void retireBlueModel() {
    String blue = production.blueVersion();
    if (production.blueRetired() && production.blueModelName() != null && RetiredModels.enabled()) {
      RetiredModels.delete(journal, endpoints, new ModelRef(production.blueModelName(), request.model(), blue),
          "the watch window is over, no rollback restores blue " + blue);
    }
  }

  /**
   * Compensation: this version's drift schedule goes when it stops being live after its monitoring began (a rollback
   * in the watch window); the version serving again gets its schedule back, so production keeps exactly one.
   */
  public void retire() {
    if (!begun) {
      return;
    }
    String live = production.liveVersion();
    ResourceNames restored = live == null || live.equals(request.version()) ? null
        : new ResourceNames(request.model(), live);
    journal.quietly(() -> {
      monitoring.retireMonitoring(new RetireRequest(request.model(), request.version(), names.prodEndpoint(),
          names.monitoringSchedule(), restored == null ? null : restored.version(),
          restored == null ? null : restored.monitoringSchedule(), restored == null ? null : restored.baselineJob(),
          policy.driftThreshold()));
      journal.event("drift monitoring " + names.monitoringSchedule() + " removed" + (restored == null ? ""
          : ", " + restored.monitoringSchedule() + " restored"));
    }, "retire drift monitoring");
  }
}
