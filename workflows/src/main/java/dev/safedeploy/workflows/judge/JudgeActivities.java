package dev.safedeploy.workflows.judge;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/** The canary judge's port: compares green with blue over a window of live (or mirrored) traffic. */
@ActivityInterface
public interface JudgeActivities {

  /**
   * The endpoint's served traffic mirrored to (or no longer to) a variant.
   *
   * @param shadowVariant the variant that gets a copy of every request another variant serves
   * @param pairsOnly false: the shadow step (green gets blue's requests; its answers, latency and errors recorded as
   *     its own); true: the paired canary (blue gets the requests green serves; its answers kept only as pairs, so
   *     blue's own metrics stay those of its clients)
   */
  record ShadowRequest(String endpoint, String shadowVariant, Boolean pairsOnly) {
    public ShadowRequest {
      pairsOnly = pairsOnly != null && pairsOnly;
    }

    /** The shadow step's. */
    public ShadowRequest(String endpoint, String shadowVariant) {
      this(endpoint, shadowVariant, false);
    }
  }

  /**
   * @param mirroring whether the shadow gets copies now
   * @param note why not, when the backend cannot mirror (the pipeline then skips the shadow step)
   */
  record ShadowState(String endpoint, String shadowVariant, boolean mirroring, String note) {}

  /** Never fails for want of samples: too few is an INCONCLUSIVE judgement, with the counts. */
  @ActivityMethod
  Judgement judge(JudgeRequest request);

  /**
   * Idempotent; replaces a mirror of the endpoint already there. Clients keep getting the serving variants' answers;
   * the shadow's are paired with them. A backend that cannot mirror this way answers {@code mirroring} false with why.
   */
  @ActivityMethod
  ShadowState startShadow(ShadowRequest request);

  /** Idempotent; stopping a shadow that is not there is success. */
  @ActivityMethod
  ShadowState stopShadow(ShadowRequest request);
}
