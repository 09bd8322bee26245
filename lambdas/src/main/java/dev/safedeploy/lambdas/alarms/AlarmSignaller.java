package dev.safedeploy.lambdas.alarms;

import dev.safedeploy.workflows.pipeline.AlarmSignal;

/** Delivers an alarm to a deployment workflow; the seam that lets the bridge be tested without Temporal. */
public interface AlarmSignaller {

  enum Delivery {
    DELIVERED,
    /** The workflow has closed (or never existed): nobody is listening any more, so there is nothing to retry. */
    WORKFLOW_CLOSED
  }

  /** @throws RuntimeException for every failure other than a closed workflow (the event is then retried) */
  Delivery signal(String workflowId, AlarmSignal alarm);
}
