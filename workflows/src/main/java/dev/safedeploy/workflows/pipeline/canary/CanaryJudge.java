package dev.safedeploy.workflows.pipeline.canary;

import static dev.safedeploy.workflows.activities.Failures.rootMessage;
import static dev.safedeploy.workflows.pipeline.journal.StatusJournal.now;

import dev.safedeploy.workflows.activities.NotificationActivities.Kind;
import dev.safedeploy.workflows.judge.JudgeActivities;
import dev.safedeploy.workflows.judge.JudgeActivities.ShadowRequest;
import dev.safedeploy.workflows.judge.JudgeActivities.ShadowState;
import dev.safedeploy.workflows.judge.JudgeRequest;
import dev.safedeploy.workflows.judge.Judgement;
import dev.safedeploy.workflows.judge.Pairing;
import dev.safedeploy.workflows.judge.Verdict;
import dev.safedeploy.workflows.pipeline.Abort;
import dev.safedeploy.workflows.pipeline.ApprovalDecision;
import dev.safedeploy.workflows.pipeline.ApprovalRecord;
import dev.safedeploy.workflows.pipeline.DeploymentPolicy;
import dev.safedeploy.workflows.pipeline.DurationText;
import dev.safedeploy.workflows.pipeline.Interrupts;
import dev.safedeploy.workflows.pipeline.Outcome;
import dev.safedeploy.workflows.pipeline.PipelineRequest;
import dev.safedeploy.workflows.pipeline.journal.Notifier;
import dev.safedeploy.workflows.pipeline.journal.StatusJournal;
import io.temporal.failure.ActivityFailure;
import io.temporal.workflow.Saga;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The canary judge (runs from version canary-judge 1 on): a judgement at the end of every bake with blue beside green,
 * and the shadow bake before any real traffic. A MARGINAL judgement waits for a human decision, taken by the same
 * approval messages as the approval.
 */
public final class CanaryJudge {

  private final PipelineRequest request;
  private final DeploymentPolicy policy;
  private final StatusJournal journal;
  private final Interrupts interrupts;
  private final Notifier notifier;
  private final Production production;
  private final CanaryWatch watch;
  private final Saga saga;
  private final JudgeActivities judge;

  private final List<Judgement> judgements = new ArrayList<>();
  private Judgement review;
  private ApprovalDecision decision;
  private final List<ApprovalRecord> decisions = new ArrayList<>();
  /** How the rows of the bake being judged are paired. */
  private Pairing pairing = Pairing.NONE;
  private ShadowRequest canaryMirror;

  public CanaryJudge(PipelineRequest request, StatusJournal journal, Interrupts interrupts, Notifier notifier,
      Production production, CanaryWatch watch, Saga saga, JudgeActivities judge) {
    this.request = request;
    this.policy = request.policy();
    this.journal = journal;
    this.interrupts = interrupts;
    this.notifier = notifier;
    this.production = production;
    this.watch = watch;
    this.saga = saga;
    this.judge = judge;
  }

  /**
   * Before any real traffic: green gets a mirrored copy of blue's live requests (clients only get blue's answers) for
   * the shadow bake, judged with green's answers paired with blue's on the same rows. A backend that cannot mirror
   * skips the step, saying so.
   */
  void shadowStep(Duration duration) {
    ShadowRequest shadowRequest = new ShadowRequest(request.names().prodEndpoint(), request.names().variant());
    journal.step("mirroring live traffic to green " + request.version() + " (shadow: clients get blue's answers)");
    ShadowState started = judge.startShadow(shadowRequest);
    if (!started.mirroring()) {
      journal.event("no shadow step: " + started.note());
      return;
    }
    saga.addCompensation(() -> journal.quietly(() -> judge.stopShadow(shadowRequest), "stop shadow"));
    Instant from = now();
    watch.bake(duration, "shadow bake");
    pairing = Pairing.SHADOW;
    judgeStep("shadow bake", from);
    pairing = Pairing.NONE;
    judge.stopShadow(shadowRequest);
    journal.event("shadow of green " + request.version() + " stopped");
  }

  /**
   * The paired canary (from version canary-paired 1 on, with {@code policy.judge.pairedCanary}): from here until
   * {@link #stopPairing}, every request green serves is also sent to blue once green has answered, blue's answer kept
   * only for the judge, so each canary bake's judgement has PREDICTION_PAIRED on green's share of the rows. A backend
   * that cannot mirror (SageMaker) says why, and the bakes are judged without pairs.
   */
  void startPairing() {
    String blue = production.blueVersion();
    ShadowRequest mirror = new ShadowRequest(request.names().prodEndpoint(), blue, true);
    journal.step("pairing the canary: requests green " + request.version() + " serves are also answered by blue "
        + blue + " for the judge");
    ShadowState started;
    try {
      started = judge.startShadow(mirror);
    } catch (ActivityFailure e) {
      // the pairs are extra evidence: without them the bakes are judged as before, and the alarms still watch
      journal.event("no paired canary: the mirror did not start: " + rootMessage(e));
      return;
    }
    if (!started.mirroring()) {
      journal.event("no paired canary: " + started.note());
      return;
    }
    canaryMirror = mirror;
    pairing = Pairing.CANARY;
    journal.event("paired canary: requests green " + request.version() + " serves are mirrored to blue " + blue);
  }

  /**
   * The paired canary's compensation, registered before production's restore so that it runs after it (the saga
   * undoes in reverse): a rollback puts blue back first, then stops the mirror, if it still runs.
   */
  public void stopPairingQuietly() {
    ShadowRequest mirror = canaryMirror;
    if (mirror != null) {
      canaryMirror = null;
      pairing = Pairing.NONE;
      journal.quietly(() -> judge.stopShadow(mirror), "stop paired canary");
    }
  }

  /** Ends the paired canary, when it runs (before green takes all the traffic: blue would answer every request). */
  void stopPairing() {
    if (canaryMirror == null) {
      return;
    }
    judge.stopShadow(canaryMirror);
    canaryMirror = null;
    pairing = Pairing.NONE;
    journal.event("paired canary stopped");
  }

  /**
   * Judges green against blue over the bake just ended: FAIL rolls back with the evidence as the reason, MARGINAL
   * waits for a human decision (the same validated approval update), PASS and INCONCLUSIVE go on. A judge that cannot
   * be reached is INCONCLUSIVE (the alarms still guard the canary), recorded with why.
   */
  void judgeStep(String label, Instant from) {
    String blue = production.blueVersion();
    journal.step("judging green " + request.version() + " against blue " + blue + " (" + label + ")");
    JudgeRequest req = new JudgeRequest(request.names().prodEndpoint(), blue, request.names().variant(), from, now(),
        label, policy.judge(), pairing);
    Judgement j;
    try {
      j = judge.judge(req);
    } catch (ActivityFailure e) {
      j = Judgement.inconclusive(req, "judge failed: " + rootMessage(e));
    }
    judgements.add(j);
    journal.event(label + ": " + (j.reason() == null ? "judge " + j.verdict() : j.reason()));
    journal.details();
    interrupts.checkAbort();
    if (j.verdict() == Verdict.FAIL) {
      throw new Abort(Outcome.ROLLED_BACK, "canary judge failed green at " + label + ": " + j.reason());
    }
    if (j.verdict() == Verdict.MARGINAL) {
      awaitDecision(j);
    }
  }

  /** Whether a marginal judgement waits for a decision now. */
  public boolean awaits() {
    return review != null && decision == null;
  }

  /** Takes the decision on the marginal judgement ({@link #awaits} is true). */
  public ApprovalRecord accept(ApprovalDecision d) {
    decision = d;
    ApprovalRecord r = new ApprovalRecord(d.approve(), d.approver(), d.comment(), d.via(), now(), true, null);
    decisions.add(r);
    journal.event("marginal judgement at " + review.step() + " " + (d.approve() ? "approved" : "rejected")
        + " by " + d.approver() + " via " + d.via() + (blank(d.comment()) ? "" : ": " + d.comment()));
    return r;
  }

  public List<Judgement> judgements() {
    return List.copyOf(judgements);
  }

  /** The marginal judgement waiting for a decision, null when none. */
  public Judgement review() {
    return review;
  }

  public List<ApprovalRecord> decisions() {
    return List.copyOf(decisions);
  }

  /** The judge's part of the current details. */
  public String details() {
    StringBuilder md = new StringBuilder();
    for (Judgement j : judgements) {
      md.append("\n\njudge, ").append(j.step()).append(": **").append(j.verdict()).append("**")
          .append(j.score() == null ? "" : String.format(" (score %.0f)", j.score()));
    }
    if (review != null) {
      md.append("\n\nwaiting for a decision on the marginal judgement: ").append(review.reason());
    }
    return md.toString();
  }

  /** A marginal judgement pauses the canary at its weights until someone decides; alarms stay watched meanwhile. */
  private void awaitDecision(Judgement j) {
    review = j;
    decision = null;
    Instant deadline = now().plus(policy.approvalTimeout());
    journal.until(deadline);
    journal.step("marginal judgement at " + j.step() + ": approve to go on, reject to roll back (until " + deadline
        + ")");
    Map<String, String> fields = new LinkedHashMap<>();
    fields.put("judgement", String.valueOf(j.verdict()));
    fields.put("score", j.score() == null ? "-" : String.format("%.0f", j.score()));
    fields.put("step", j.step());
    fields.put("requestedBy", request.requestedBy());
    fields.put("deadline", deadline.toString());
    notifier.notify(Kind.APPROVAL_REQUESTED, request.model() + " " + request.version()
        + " canary is marginal, decide: " + j.reason(), fields);
    try {
      while (decision == null) {
        Duration remaining = Duration.between(now(), deadline);
        if (remaining.isNegative() || remaining.isZero()) {
          throw new Abort(Outcome.ROLLED_BACK, "marginal canary judgement not decided within "
              + DurationText.format(policy.approvalTimeout()) + " (timing out counts as rejection): " + j.reason());
        }
        Workflow.await(CanaryWatch.min(remaining, policy.alarmPollInterval()),
            () -> decision != null || interrupts.any());
        interrupts.checkAbort();
        if (decision == null) {
          watch.pollOnce();
          interrupts.checkAbort();
        }
      }
    } finally {
      review = null;
      journal.until(null);
    }
    if (!decision.approve()) {
      throw new Abort(Outcome.ROLLED_BACK, "marginal canary judgement rejected by " + decision.approver()
          + (blank(decision.comment()) ? "" : " (" + decision.comment() + ")") + ": " + j.reason());
    }
    journal.step("marginal judgement at " + j.step() + " approved by " + decision.approver() + ", going on");
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }
}
