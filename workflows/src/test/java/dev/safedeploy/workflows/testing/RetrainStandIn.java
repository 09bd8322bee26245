package dev.safedeploy.workflows.testing;

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
 * Stands in for the retrain entity behind its real interface, for tests of what delivers alarms to it (the platform's
 * alarm sink, the AWS alarm bridge): records each alarm as "workflowId alarmName state value" and ends once it has
 * {@link #expect(int) the expected number}, so a test can wait for its result.
 */
public class RetrainStandIn implements RetrainWorkflow {
  public static final List<String> RECEIVED = new CopyOnWriteArrayList<>();
  private static volatile int expected = 1;

  private int alarms;

  /** Forgets what earlier tests received; each instance started from now on ends after {@code alarms} alarms. */
  public static void expect(int alarms) {
    RECEIVED.clear();
    expected = alarms;
  }

  @Override
  public void run(RetrainInput input) {
    int wanted = expected;
    Workflow.await(() -> alarms >= wanted);
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
