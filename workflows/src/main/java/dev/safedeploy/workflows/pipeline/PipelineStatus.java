package dev.safedeploy.workflows.pipeline;

import dev.safedeploy.workflows.judge.Judgement;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What the {@code status} query answers: where the run is, what it has seen and decided.
 *
 * @param stage current stage
 * @param step what is happening inside the stage, e.g. "canary 10% bake" (null when nothing in particular)
 * @param stepEndsAt when the current bake or wait ends, for progress bars (null when not waiting)
 * @param trafficStep index of the current traffic step (1-based; 0 before the first shift)
 * @param trafficSteps the green percentages the policy goes through
 * @param traffic production variant weights in percent as last confirmed by the backend
 * @param blueVersion the version live when prod deployment began (null on a first deployment)
 * @param prodLease this run's production lease: who holds it while this run waits (null before it asked)
 * @param judgements the canary judge's judgements, one per judged bake, oldest first (the evidence per metric)
 * @param judgeReview the MARGINAL judgement waiting for a human decision now (approve goes on, reject rolls back)
 * @param judgeDecisions decisions taken on marginal judgements
 */
public record PipelineStatus(
    String workflowId,
    String model,
    String version,
    String requestedBy,
    Stage stage,
    String step,
    Instant stepEndsAt,
    List<StageRecord> stages,
    Double validationRmse,
    Double liveRmse,
    String devEndpoint,
    String prodEndpoint,
    String blueVersion,
    int trafficStep,
    List<Integer> trafficSteps,
    Map<String, Integer> traffic,
    ApprovalRecord approval,
    List<ApprovalRecord> refusedDecisions,
    List<AlarmRecord> alarms,
    List<String> events,
    Outcome outcome,
    String reason,
    Long alarmToBlueMillis,
    ProdLease prodLease,
    List<Judgement> judgements,
    Judgement judgeReview,
    List<ApprovalRecord> judgeDecisions) {

  public PipelineStatus {
    judgements = judgements == null ? List.of() : judgements;
    judgeDecisions = judgeDecisions == null ? List.of() : judgeDecisions;
  }
}
