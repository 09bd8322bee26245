package dev.safedeploy.lambdas.alarms;

import static dev.safedeploy.lambdas.LambdaRuntime.event;
import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.ScheduledEvent;
import dev.safedeploy.workflows.pipeline.AlarmSignal;
import dev.safedeploy.workflows.pipeline.SafeDeploymentWorkflow;
import dev.safedeploy.workflows.retrain.RetrainWorkflow;
import dev.safedeploy.workflows.testing.RetrainStandIn;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The bridge against Temporal's in-memory test server: the real {@link TemporalAlarmSignaller} on the untyped stub,
 * and a tiny workflow with a signal named {@link SafeDeploymentWorkflow#ALARM} taking {@link AlarmSignal}, as SafeDeploymentWorkflow does, proving
 * the signal's name and payload arrive intact, and that a closed workflow is recognised as such.
 */
class AlarmBridgeTemporalTest {

  private static final String QUEUE = "alarm-bridge-test";

  @WorkflowInterface
  public interface AlarmInbox {
    /** Collects alarm signals until {@code expected} have arrived. */
    @WorkflowMethod
    List<AlarmSignal> collect(int expected);

    @SignalMethod(name = SafeDeploymentWorkflow.ALARM)
    void alarm(AlarmSignal alarm);
  }

  public static class AlarmInboxImpl implements AlarmInbox {
    private final List<AlarmSignal> received = new ArrayList<>();

    @Override
    public List<AlarmSignal> collect(int expected) {
      Workflow.await(() -> received.size() >= expected);
      return received;
    }

    @Override
    public void alarm(AlarmSignal alarm) {
      received.add(alarm);
    }
  }

  private TestWorkflowEnvironment env;
  private WorkflowClient client;

  @BeforeEach
  void start() {
    env = TestWorkflowEnvironment.newInstance();
    Worker worker = env.newWorker(QUEUE);
    worker.registerWorkflowImplementationTypes(AlarmInboxImpl.class);
    env.newWorker(RetrainWorkflow.TASK_QUEUE).registerWorkflowImplementationTypes(RetrainStandIn.class);
    env.start();
    client = env.getWorkflowClient();
  }

  @AfterEach
  void stop() {
    env.close();
  }

  private AlarmBridgeHandler bridgeFor(String workflowId) {
    AlarmTags tags = arn -> arn.equals("arn:aws:cloudwatch:us-east-1:123456789012:alarm:nyctaxi-prod-v2-5xx")
        ? Map.of(AlarmBridgeHandler.WORKFLOW_ID_TAG, workflowId) : Map.of();
    return new AlarmBridgeHandler(tags, new TemporalAlarmSignaller(client), Set.of("ALARM"));
  }

  private AlarmInbox startInbox(String workflowId, int expected) {
    AlarmInbox inbox = client.newWorkflowStub(AlarmInbox.class,
        WorkflowOptions.newBuilder().setWorkflowId(workflowId).setTaskQueue(QUEUE).build());
    WorkflowClient.start(inbox::collect, expected);
    return inbox;
  }

  @Test
  void alarmEventArrivesAsTheWorkflowsAlarmSignal() {
    startInbox("deploy-nyctaxi-v2", 1);

    String outcome = bridgeFor("deploy-nyctaxi-v2")
        .handleRequest(event("cloudwatch-alarm-state-change.json", ScheduledEvent.class), null);

    assertThat(outcome).isEqualTo("FORWARDED");
    List<?> received = client.newUntypedWorkflowStub("deploy-nyctaxi-v2").getResult(List.class);
    // read back through the typed result so the payload is decoded as AlarmSignal, like the real workflow's signal
    WorkflowStub stub = client.newUntypedWorkflowStub("deploy-nyctaxi-v2");
    AlarmSignal[] signals = stub.getResult(AlarmSignal[].class);
    assertThat(received).hasSize(1);
    assertThat(signals).containsExactly(new AlarmSignal("nyctaxi-prod-v2-5xx", "ALARM",
        "Threshold Crossed: 1 out of the last 1 datapoints [3.0 (26/11/26 19:03:00)] was greater than the threshold"
            + " (0.0) (minimum 1 datapoint for OK -> ALARM transition).",
        Instant.parse("2026-11-26T19:04:40.985Z")));
  }

  @Test
  void driftAlarmEventStartsTheModelsRetrainWorkflowThenSignalsIt() {
    RetrainStandIn.expect(2);
    AlarmTags tags = arn -> arn.equals("arn:aws:cloudwatch:us-east-1:123456789012:alarm:nyctaxi-prod-drift-total_amount")
        ? Map.of(AlarmBridgeHandler.WORKFLOW_ID_TAG, "retrain-nyctaxi") : Map.of();
    AlarmBridgeHandler bridge = new AlarmBridgeHandler(tags, new TemporalAlarmSignaller(client), Set.of("ALARM"));
    ScheduledEvent drift = event("cloudwatch-drift-alarm-state-change.json", ScheduledEvent.class);

    // nothing runs as retrain-nyctaxi: the first delivery starts it; EventBridge's retry of the same event finds it
    assertThat(bridge.handleRequest(drift, null)).isEqualTo("FORWARDED");
    assertThat(client.newUntypedWorkflowStub("retrain-nyctaxi").describe().getWorkflowType())
        .isEqualTo("RetrainWorkflow");
    assertThat(bridge.handleRequest(drift, null)).isEqualTo("FORWARDED");
    client.newUntypedWorkflowStub("retrain-nyctaxi").getResult(Void.class);
    assertThat(RetrainStandIn.RECEIVED).containsExactly(
        "retrain-nyctaxi nyctaxi-prod-drift-total_amount ALARM 0.44",
        "retrain-nyctaxi nyctaxi-prod-drift-total_amount ALARM 0.44");
  }

  @Test
  void alarmForAClosedWorkflowIsDropped() {
    startInbox("deploy-nyctaxi-v3", 0);
    client.newUntypedWorkflowStub("deploy-nyctaxi-v3").getResult(List.class); // completed

    String outcome = bridgeFor("deploy-nyctaxi-v3")
        .handleRequest(event("cloudwatch-alarm-state-change.json", ScheduledEvent.class), null);

    assertThat(outcome).isEqualTo("DROPPED_WORKFLOW_CLOSED");
  }

  @Test
  void alarmForAnUnknownWorkflowIsDropped() {
    assertThat(new TemporalAlarmSignaller(client).signal("deploy-never-started",
        new AlarmSignal("a", "ALARM", "r", Instant.EPOCH))).isEqualTo(AlarmSignaller.Delivery.WORKFLOW_CLOSED);
  }
}
