package dev.safedeploy.workflows.judge;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/** The canary judge's port: compares green with blue over a window of live (or mirrored) traffic. */
@ActivityInterface
public interface JudgeActivities {

  /** The endpoint's served traffic mirrored to (or no longer to) the shadow variant. */
  record ShadowRequest(String endpoint, String shadowVariant) {}

  /**
   * @param mirroring whether the shadow gets copies now
   * @param note why not, when the backend cannot mirror (the pipeline then skips the shadow step)
   */
  record ShadowState(String endpoint, String shadowVariant, boolean mirroring, String note) {}

  /** Never fails for want of samples: too few is an INCONCLUSIVE judgement, with the counts. */
  @ActivityMethod
  Judgement judge(JudgeRequest request);

  /** Idempotent. Clients keep getting the serving variants' answers; the shadow's are recorded and paired. */
  @ActivityMethod
  ShadowState startShadow(ShadowRequest request);

  /** Idempotent; stopping a shadow that is not there is success. */
  @ActivityMethod
  ShadowState stopShadow(ShadowRequest request);
}
