package dev.safedeploy.platform.alarms;

import dev.safedeploy.workflows.pipeline.AlarmSignal;

/** Where the evaluator pushes an alarm's transition to ALARM, once per transition and watching workflow. */
@FunctionalInterface
public interface AlarmSink {

  void alarmFired(String workflowId, AlarmSignal signal);

  /** For a platform nobody watches (tests, a platform run without Temporal): logs nothing, tells no one. */
  AlarmSink NONE = (workflowId, signal) -> {};
}
