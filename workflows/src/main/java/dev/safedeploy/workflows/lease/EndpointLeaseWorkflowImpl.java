package dev.safedeploy.workflows.lease;

import dev.safedeploy.workflows.lease.LeaseAnswer.Verdict;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.workflow.SignalExternalWorkflowException;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;

/**
 * The lease of one production endpoint. Handlers only queue messages; the main loop applies them in arrival order, so
 * the line is changed in one place. Requesters are told by signal; a requester that cannot be signalled has ended and
 * loses its place. A holder that ended without releasing (terminated: it runs no code) is found by a liveness check
 * while someone waits.
 */
public class EndpointLeaseWorkflowImpl implements EndpointLeaseWorkflow {

  private static final Logger log = Workflow.getLogger(EndpointLeaseWorkflowImpl.class);

  private final LeaseActivities activities = Workflow.newActivityStub(LeaseActivities.class,
      ActivityOptions.newBuilder()
          .setStartToCloseTimeout(Duration.ofSeconds(30))
          .setRetryOptions(RetryOptions.newBuilder().setInitialInterval(Duration.ofSeconds(1))
              .setMaximumInterval(Duration.ofSeconds(30)).setMaximumAttempts(10).build())
          .setSummary("is the lease holder still running?")
          .build());

  private final Deque<Runnable> inbox = new ArrayDeque<>();
  private final List<LeaseHolder> queue = new ArrayList<>();
  // The last answer each waiter was sent: a waiter is told again only when its holder or place changes.
  private final Map<String, LeaseAnswer> told = new HashMap<>();
  private String endpoint;
  private LeaseHolder holder;
  private Instant heldSince;
  private Duration livenessInterval;
  private int historyLimit;
  private Instant nextCheck;

  @Override
  public void run(LeaseState state) {
    endpoint = state.endpoint();
    holder = state.holder();
    heldSince = state.heldSince();
    queue.addAll(state.queue());
    livenessInterval = state.livenessInterval();
    historyLimit = state.historyLimit();
    // Carried over continue-as-new: everyone in line was told their place before it.
    for (int i = 0; i < queue.size(); i++) {
      told.put(queue.get(i).workflowId(), queued(i));
    }
    nextCheck = now().plus(livenessInterval);
    while (true) {
      while (!inbox.isEmpty()) {
        inbox.poll().run();
      }
      grantWhileFree();
      tellWaiters();
      if (!inbox.isEmpty()) {
        continue;
      }
      if (holder == null && queue.isEmpty()) {
        log.info("lease of {} is free and nobody waits", endpoint);
        return; // the next request starts a new run under the same id
      }
      if (Workflow.getInfo().getHistoryLength() > historyLimit || Workflow.getInfo().isContinueAsNewSuggested()) {
        Workflow.continueAsNew(state());
      }
      if (queue.isEmpty()) {
        // Nobody waits: a dead holder blocks no one until someone asks (then it is checked at once).
        Workflow.await(() -> !inbox.isEmpty());
        continue;
      }
      Duration untilCheck = Duration.between(now(), nextCheck);
      if (untilCheck.compareTo(Duration.ZERO) > 0 && Workflow.await(untilCheck, () -> !inbox.isEmpty())) {
        continue;
      }
      checkHolder();
      nextCheck = now().plus(livenessInterval);
    }
  }

  @Override
  public void request(LeaseRequest request) {
    inbox.add(() -> onRequest(request));
  }

  @Override
  public void release(LeaseHolder who) {
    inbox.add(() -> onRelease(who));
  }

  @Override
  public LeaseState state() {
    return new LeaseState(endpoint, holder, heldSince, List.copyOf(queue), livenessInterval, historyLimit);
  }

  private void onRequest(LeaseRequest r) {
    if (r == null || r.requester() == null || r.requester().workflowId() == null || !endpoint.equals(r.endpoint())) {
      log.warn("lease of {}: malformed request ignored: {}", endpoint, r);
      return;
    }
    LeaseHolder who = r.requester();
    if (who.sameRun(holder)) {
      tell(who, granted()); // a repeated request (retried activity) gets the same answer
      return;
    }
    int at = indexOf(who);
    if (at >= 0) {
      told.remove(who.workflowId()); // told again by tellWaiters
      return;
    }
    boolean busy = holder != null || !queue.isEmpty();
    if (busy && r.mode() == LeaseMode.REFUSE) {
      log.info("lease of {}: {} refused, {} holds it", endpoint, who, holderOrNext());
      tell(who, new LeaseAnswer(endpoint, Verdict.REFUSED, holderOrNext(), 0));
      return;
    }
    if (holder != null && queue.isEmpty()) {
      nextCheck = now(); // the first waiter: make sure the holder still runs
    }
    queue.add(who);
    log.info("lease of {}: {} asks, place {}", endpoint, who, queue.size());
  }

  private void onRelease(LeaseHolder who) {
    if (who == null || who.workflowId() == null) {
      return;
    }
    if (who.sameRun(holder)) {
      log.info("lease of {}: released by {} after {}", endpoint, who, Duration.between(heldSince, now()));
      holder = null;
      heldSince = null;
      return;
    }
    int at = indexOf(who);
    if (at >= 0) {
      queue.remove(at);
      told.remove(who.workflowId());
      log.info("lease of {}: {} left the line", endpoint, who);
    }
  }

  /** FIFO: the first in line that can still be told gets the lease. */
  private void grantWhileFree() {
    while (holder == null && !queue.isEmpty()) {
      LeaseHolder next = queue.remove(0);
      told.remove(next.workflowId());
      holder = next;
      heldSince = now();
      if (tell(next, granted())) {
        log.info("lease of {}: granted to {}", endpoint, next);
        nextCheck = now().plus(livenessInterval);
      } else {
        holder = null;
        heldSince = null;
      }
    }
  }

  private void tellWaiters() {
    int i = 0;
    while (i < queue.size()) {
      LeaseHolder waiter = queue.get(i);
      LeaseAnswer answer = queued(i);
      if (answer.equals(told.get(waiter.workflowId()))) {
        i++;
      } else if (tell(waiter, answer)) {
        told.put(waiter.workflowId(), answer);
        i++;
      } else {
        queue.remove(i); // ended while waiting; those behind move up and are told at this same index
        told.remove(waiter.workflowId());
      }
    }
  }

  private void checkHolder() {
    if (holder == null) {
      return;
    }
    boolean running;
    try {
      running = activities.isWorkflowRunning(holder.workflowId());
    } catch (ActivityFailure e) {
      // Not knowing is not ended: never grant the lease twice.
      log.warn("lease of {}: cannot tell whether {} still runs, keeping it", endpoint, holder, e);
      return;
    }
    if (!running) {
      log.warn("lease of {}: holder {} ended without releasing (terminated?); lease freed", endpoint, holder);
      holder = null;
      heldSince = null;
    }
  }

  /** False when the requester cannot be signalled: it has ended. */
  private boolean tell(LeaseHolder who, LeaseAnswer answer) {
    try {
      Workflow.newUntypedExternalWorkflowStub(who.workflowId()).signal(LeaseListener.SIGNAL, answer);
      return true;
    } catch (SignalExternalWorkflowException e) {
      log.info("lease of {}: {} has ended ({}), not told {}", endpoint, who, e.getMessage(), answer.verdict());
      return false;
    }
  }

  private LeaseAnswer granted() {
    return new LeaseAnswer(endpoint, Verdict.GRANTED, holder, 0);
  }

  private LeaseAnswer queued(int index) {
    return new LeaseAnswer(endpoint, Verdict.QUEUED, holder, index + 1);
  }

  private LeaseHolder holderOrNext() {
    return holder != null ? holder : queue.isEmpty() ? null : queue.get(0);
  }

  private int indexOf(LeaseHolder who) {
    for (int i = 0; i < queue.size(); i++) {
      if (who.sameRun(queue.get(i))) {
        return i;
      }
    }
    return -1;
  }

  private static Instant now() {
    return Instant.ofEpochMilli(Workflow.currentTimeMillis());
  }
}
