package dev.safedeploy.lambdas.alarms;

import dev.safedeploy.workflows.pipeline.AlarmSignal;
import dev.safedeploy.workflows.retrain.RetrainInput;
import dev.safedeploy.workflows.retrain.RetrainPolicy;
import dev.safedeploy.workflows.retrain.RetrainStatus;
import dev.safedeploy.workflows.retrain.RetrainTrigger;
import dev.safedeploy.workflows.retrain.RetrainWorkflow;
import io.temporal.workflow.Workflow;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Stands in for the retrain entity behind its real interface: records what the bridge delivered ("model alarm state
 * value") and ends after {@link #EXPECTED} alarms, so a test can wait for its result.
 */
public class RetrainStandIn implements RetrainWorkflow {
  static final int EXPECTED = 2;
  static final List<String> RECEIVED = new CopyOnWriteArrayList<>();

  private int alarms;

  @Override
  public void run(RetrainInput input) {
    Workflow.await(() -> alarms >= EXPECTED);
  }

  @Override
  public void trigger(RetrainTrigger trigger) {}

  @Override
  public void alarm(AlarmSignal alarm) {
    alarms++;
    RECEIVED.add(Workflow.getInfo().getWorkflowId() + " " + alarm.alarmName() + " " + alarm.state() + " "
        + RetrainTrigger.alarm(alarm).value());
  }

  @Override
  public void configure(RetrainPolicy policy) {}

  @Override
  public void disable(String by) {}

  @Override
  public void enable(String by) {}

  @Override
  public RetrainStatus status() {
    return null;
  }
}
