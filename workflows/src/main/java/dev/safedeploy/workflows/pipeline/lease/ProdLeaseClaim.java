package dev.safedeploy.workflows.pipeline.lease;

import dev.safedeploy.workflows.lease.EndpointLeaseWorkflow;
import dev.safedeploy.workflows.lease.LeaseActivities;
import dev.safedeploy.workflows.lease.LeaseAnswer;
import dev.safedeploy.workflows.lease.LeaseAnswer.Verdict;
import dev.safedeploy.workflows.lease.LeaseHolder;
import dev.safedeploy.workflows.lease.LeaseListener;
import dev.safedeploy.workflows.lease.LeaseRequest;
import dev.safedeploy.workflows.pipeline.Abort;
import dev.safedeploy.workflows.pipeline.DeploymentPolicy;
import dev.safedeploy.workflows.pipeline.Interrupts;
import dev.safedeploy.workflows.pipeline.Outcome;
import dev.safedeploy.workflows.pipeline.PipelineRequest;
import dev.safedeploy.workflows.pipeline.ProdLease;
import dev.safedeploy.workflows.pipeline.Stage;
import dev.safedeploy.workflows.pipeline.journal.StatusJournal;
import io.temporal.workflow.SignalExternalWorkflowException;
import io.temporal.failure.ApplicationFailure;
import io.temporal.workflow.Workflow;

/**
 * The run's side of its production endpoint's lease ({@link EndpointLeaseWorkflow}): asked for after approval, waited
 * for in {@link Stage#QUEUED_FOR_PROD} while another run holds it, released on every outcome (runs from version
 * prod-lease 1 on).
 */
public final class ProdLeaseClaim {

  private final PipelineRequest request;
  private final DeploymentPolicy policy;
  private final String endpoint;
  private final StatusJournal journal;
  private final Interrupts interrupts;
  private final LeaseActivities leases;

  private boolean asked;
  private boolean queued;
  private boolean released;
  private LeaseAnswer answer;

  public ProdLeaseClaim(PipelineRequest request, StatusJournal journal, Interrupts interrupts,
      LeaseActivities leases) {
    this.request = request;
    this.policy = request.policy();
    this.endpoint = request.names().prodEndpoint();
    this.journal = journal;
    this.interrupts = interrupts;
    this.leases = leases;
  }

  /** Listens for the lease workflow's answers; from the workflow method, before anything else. */
  public void listen() {
    Workflow.registerListener(new LeaseListener() {
      @Override
      public void leaseAnswer(LeaseAnswer answer) {
        onAnswer(answer);
      }
    });
  }

  /**
   * Asks the endpoint's lease workflow for the production lease and waits for it in {@link Stage#QUEUED_FOR_PROD}
   * while another run holds it; the caller reads blue afresh once it is granted.
   */
  public void acquire() {
    asked = true;
    journal.step("asking for the production lease of " + endpoint);
    leases.requestProdLease(new LeaseRequest(endpoint, holder(), policy.prodLease()));
    Workflow.await(() -> answer != null || interrupts.rollbackRequested());
    interrupts.checkRollbackRequest();
    if (answer.verdict() == Verdict.REFUSED) {
      throw new Abort(Outcome.PROD_BUSY, endpoint + " is busy: " + answer.holder()
          + " holds its production lease and policy prodLease is REFUSE; production untouched");
    }
    if (answer.verdict() == Verdict.QUEUED) {
      queued = true;
      journal.enter(Stage.QUEUED_FOR_PROD, null);
      while (answer.verdict() != Verdict.GRANTED) {
        LeaseAnswer seen = answer;
        journal.step("queued for " + endpoint + " behind " + (seen.holder() == null ? "nobody" : seen.holder())
            + ", place " + seen.position());
        Workflow.await(() -> answer != seen || interrupts.rollbackRequested());
        interrupts.checkRollbackRequest();
      }
      journal.leave("lease granted");
    }
    journal.event("production lease of " + endpoint + " granted");
  }

  /** Whether the run waited in line: production may have changed meanwhile. */
  public boolean queued() {
    return queued;
  }

  /** Leaves the line or gives the lease back; detached, so that a cancelled run still does it. Idempotent. */
  public void release() {
    if (!asked || released) {
      return;
    }
    released = true;
    Workflow.newDetachedCancellationScope(() -> {
      try {
        Workflow.newExternalWorkflowStub(EndpointLeaseWorkflow.class, EndpointLeaseWorkflow.workflowId(endpoint))
            .release(holder());
        journal.event("production lease of " + endpoint + " released");
      } catch (SignalExternalWorkflowException e) {
        journal.event("production lease of " + endpoint + ": lease workflow gone, nothing to release");
      } catch (ApplicationFailure e) {
        // the SDK reports a signal to a workflow that has just ended (the lease ends when nobody holds or waits) as
        // this failure type, not as SignalExternalWorkflowException: nothing is held, so nothing is left to release
        if (e.getType() == null || !e.getType().endsWith("EXTERNAL_WORKFLOW_EXECUTION_NOT_FOUND")) {
          throw e;
        }
        journal.event("production lease of " + endpoint + ": lease workflow gone, nothing to release");
      }
    }).run();
  }

  /** The lease as the status shows it; null before the run asked. */
  public ProdLease status() {
    if (!asked) {
      return null;
    }
    if (released) {
      return new ProdLease(endpoint, ProdLease.State.RELEASED, null, null, 0);
    }
    if (answer == null) {
      return new ProdLease(endpoint, ProdLease.State.ASKED, null, null, 0);
    }
    ProdLease.State state = switch (answer.verdict()) {
      case GRANTED -> ProdLease.State.HELD;
      case QUEUED -> ProdLease.State.QUEUED;
      case REFUSED -> ProdLease.State.REFUSED;
    };
    LeaseHolder h = answer.holder();
    return new ProdLease(endpoint, state, h == null ? null : h.workflowId(), h == null ? null : h.version(),
        answer.position());
  }

  private void onAnswer(LeaseAnswer a) {
    if (a == null || !endpoint.equals(a.endpoint()) || !asked || released
        || (answer != null && answer.verdict() != Verdict.QUEUED)) {
      journal.event("lease answer ignored: " + a);
      return;
    }
    answer = a;
    journal.event("lease " + a.verdict() + (a.verdict() == Verdict.GRANTED ? ""
        : ", held by " + a.holder() + (a.position() > 0 ? ", place " + a.position() : "")));
  }

  private LeaseHolder holder() {
    return new LeaseHolder(Workflow.getInfo().getWorkflowId(), request.model(), request.version());
  }
}
