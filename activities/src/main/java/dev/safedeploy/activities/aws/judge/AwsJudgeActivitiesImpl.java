package dev.safedeploy.activities.aws.judge;

import dev.safedeploy.workflows.judge.JudgeActivities;
import dev.safedeploy.workflows.judge.JudgeRequest;
import dev.safedeploy.workflows.judge.Judgement;

/**
 * The canary judge on AWS: not implemented yet. CloudWatch keeps per-variant aggregates (ModelLatency, Invocation5XX
 * Errors per period), not the per-request samples the rank tests need, and SageMaker's shadow variants are not wired;
 * so every judgement is INCONCLUSIVE, saying so, the shadow step is skipped, saying so, and the canary goes on guarded
 * by its alarms as before.
 */
public class AwsJudgeActivitiesImpl implements JudgeActivities {
  static final String REASON = "no canary judge on the aws backend yet (CloudWatch keeps per-period aggregates, not the"
      + " per-request samples the tests need): the alarms alone guard this canary";

  static final String NO_SHADOW = "shadow traffic is not wired on the aws backend yet (SageMaker"
      + " ShadowProductionVariants): no shadow step";

  @Override
  public Judgement judge(JudgeRequest request) {
    return Judgement.inconclusive(request, REASON);
  }

  @Override
  public ShadowState startShadow(ShadowRequest request) {
    return new ShadowState(request.endpoint(), request.shadowVariant(), false, NO_SHADOW);
  }

  @Override
  public ShadowState stopShadow(ShadowRequest request) {
    return new ShadowState(request.endpoint(), request.shadowVariant(), false, NO_SHADOW);
  }
}
