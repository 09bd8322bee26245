package dev.safedeploy.platform.alarms;

import dev.safedeploy.workflows.pipeline.AlarmSignal;
import dev.safedeploy.workflows.pipeline.SafeDeploymentWorkflow;
import dev.safedeploy.workflows.retrain.RetrainStarter;
import dev.safedeploy.workflows.retrain.RetrainWorkflow;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowNotFoundException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Signals {@link SafeDeploymentWorkflow#ALARM} to the watching workflow through its untyped stub, the local twin of the CloudWatch-alarm
 * bridge Lambda. A watcher that is a model's retrain workflow ({@code retrain-<model>}, the drift alarms' watcher)
 * is signalled with start: the first drift alarm of a model creates its retrain entity. Retries a few times; never
 * throws (the evaluator must keep evaluating).
 */
public final class TemporalAlarmSink implements AlarmSink {
  private static final Logger log = LoggerFactory.getLogger(TemporalAlarmSink.class);
  private static final int ATTEMPTS = 4;

  private final WorkflowClient client;

  public TemporalAlarmSink(WorkflowClient client) {
    this.client = client;
  }

  @Override
  public void alarmFired(String workflowId, AlarmSignal signal) {
    for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
      try {
        String retrainModel = RetrainWorkflow.modelOf(workflowId);
        if (retrainModel != null) {
          RetrainStarter.alarm(client, retrainModel, signal);
          log.info("drift alarm {} signalled (with start) to {}", signal.alarmName(), workflowId);
          return;
        }
        client.newUntypedWorkflowStub(workflowId).signal(SafeDeploymentWorkflow.ALARM, signal);
        log.info("alarm {} signalled to workflow {}", signal.alarmName(), workflowId);
        return;
      } catch (WorkflowNotFoundException e) {
        log.warn("alarm {}: workflow {} is not running, nothing to signal", signal.alarmName(), workflowId);
        return;
      } catch (RuntimeException e) {
        log.warn("alarm {}: signal to {} failed (attempt {}/{}): {}", signal.alarmName(), workflowId, attempt,
            ATTEMPTS, e.toString());
        try {
          Thread.sleep(50L << attempt);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
    log.error("alarm {}: gave up signalling workflow {}; its alarm poll will still see the state",
        signal.alarmName(), workflowId);
  }
}
