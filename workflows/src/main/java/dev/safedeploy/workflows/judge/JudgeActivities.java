package dev.safedeploy.workflows.judge;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/** The canary judge's port: compares green with blue over a window of live (or mirrored) traffic. */
@ActivityInterface
public interface JudgeActivities {

  /** Never fails for want of samples: too few is an INCONCLUSIVE judgement, with the counts. */
  @ActivityMethod
  Judgement judge(JudgeRequest request);
}
