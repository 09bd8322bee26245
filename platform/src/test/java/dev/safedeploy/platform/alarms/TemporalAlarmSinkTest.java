package dev.safedeploy.platform.alarms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.safedeploy.platform.api.AlarmDefinition;
import dev.safedeploy.platform.api.Endpoint;
import dev.safedeploy.platform.api.ModelRecord;
import dev.safedeploy.platform.api.Variant;
import dev.safedeploy.platform.client.PlatformClient;
import dev.safedeploy.platform.control.LocalPlatform;
import dev.safedeploy.platform.testing.TestModels;
import dev.safedeploy.workflows.pipeline.AlarmSignal;
import dev.safedeploy.workflows.pipeline.SafeDeploymentWorkflow;
import dev.safedeploy.workflows.retrain.RetrainWorkflow;
import dev.safedeploy.workflows.testing.RetrainStandIn;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TemporalAlarmSinkTest {

  @WorkflowInterface
  public interface AlarmWaiter {
    @WorkflowMethod
    AlarmSignal awaitAlarm();

    @SignalMethod(name = SafeDeploymentWorkflow.ALARM)
    void alarm(AlarmSignal signal);
  }

  public static class AlarmWaiterImpl implements AlarmWaiter {
    private AlarmSignal received;

    @Override
    public AlarmSignal awaitAlarm() {
      Workflow.await(() -> received != null);
      return received;
    }

    @Override
    public void alarm(AlarmSignal signal) {
      received = signal;
    }
  }


  TestWorkflowEnvironment env;
  WorkflowClient client;

  @BeforeEach
  void start() {
    // real time: the alarm comes from a real evaluator, not from a timer the test server could skip to
    env = TestWorkflowEnvironment.newInstance(TestEnvironmentOptions.newBuilder().setUseTimeskipping(false).build());
    Worker worker = env.newWorker("q");
    worker.registerWorkflowImplementationTypes(AlarmWaiterImpl.class);
    env.newWorker(RetrainWorkflow.TASK_QUEUE).registerWorkflowImplementationTypes(RetrainStandIn.class);
    env.start();
    client = env.getWorkflowClient();
  }

  @AfterEach
  void stop() {
    env.close();
  }

  AlarmWaiter startWaiter(String id) {
    AlarmWaiter w = client.newWorkflowStub(AlarmWaiter.class,
        WorkflowOptions.newBuilder().setTaskQueue("q").setWorkflowId(id).build());
    WorkflowClient.start(w::awaitAlarm);
    return w;
  }

  @Test
  void signalsAlarmToTheWorkflowAndTheSignalSurvivesSerialization() throws Exception {
    AlarmWaiter w = startWaiter("deploy-m-v2");
    AlarmSignal signal = new AlarmSignal("m-prod-v2-5xx", "ALARM", "Threshold Crossed",
        Instant.parse("2026-01-01T00:00:00.123Z"));
    new TemporalAlarmSink(client).alarmFired("deploy-m-v2", signal);
    AlarmSignal got = WorkflowStub.fromTyped(w).getResultAsync(AlarmSignal.class).get(30, TimeUnit.SECONDS);
    assertThat(got).isEqualTo(signal);
  }

  @Test
  void aRetrainWatcherIsSignalledWithStart() throws Exception {
    // nothing runs as retrain-taxi yet: the drift alarm creates the model's retrain entity
    AlarmSignal signal = new AlarmSignal("taxi-prod-drift-total_amount", "ALARM",
        "Threshold Crossed: 1 datapoint (most recent 0.44) > 0.2", Instant.parse("2026-01-01T00:00:00Z"));
    RetrainStandIn.expect(1);
    new TemporalAlarmSink(client).alarmFired("retrain-taxi", signal);
    client.newUntypedWorkflowStub("retrain-taxi").getResultAsync(Void.class).get(30, TimeUnit.SECONDS);
    assertThat(RetrainStandIn.RECEIVED).containsExactly("retrain-taxi taxi-prod-drift-total_amount ALARM 0.44");
  }

  @Test
  void aWorkflowThatIsGoneIsLoggedNotThrown() {
    assertThatCode(() -> new TemporalAlarmSink(client).alarmFired("no-such-workflow",
        new AlarmSignal("a", "ALARM", "r", Instant.now()))).doesNotThrowAnyException();
  }

  @Test
  void theEvaluatorPushesARealAlarmIntoTheWatchingWorkflow(@TempDir Path home) throws Exception {
    TestModels models = TestModels.get();
    AlarmWaiter w = startWaiter("deploy-taxi-v2");
    try (LocalPlatform p = LocalPlatform.start(TestModels.platformConfig(home).withAlarmSink(new TemporalAlarmSink(client)))) {
      PlatformClient c = PlatformClient.forHome(p.url(), p.home());
      c.createModel(new ModelRecord("taxi-v2", models.wrongLayout.artifact().toString(), "taxi", "v2", 1.0, null));
      c.createModel(new ModelRecord("taxi-v1", models.good.artifact().toString(), "taxi", "v1", 1.0, null));
      // blue (v1) sets the live layout; v2, trained on another, gets all the traffic and fails it
      c.createEndpoint(new Endpoint("taxi-prod", "taxi", List.of(new Variant("v1", "taxi-v1", 0, 1, null, null,
          null), new Variant("v2", "taxi-v2", 100, 1, null, null, null)), null, null, null, null, null));
      c.putAlarm(new AlarmDefinition("taxi-prod-v2-5xx", "Invocation5XXErrors", "taxi-prod", "v2", "Sum", 1, 1, 1, 1,
          "GreaterThanOrEqualToThreshold", "notBreaching"));
      c.watch("taxi-prod-v2-5xx", "deploy-taxi-v2");
      assertThat(c.invoke("taxi-prod", null, "text/csv", models.sampleRow().getBytes()).status()).isEqualTo(500);
      AlarmSignal got = WorkflowStub.fromTyped(w).getResultAsync(AlarmSignal.class).get(30, TimeUnit.SECONDS);
      assertThat(got.alarmName()).isEqualTo("taxi-prod-v2-5xx");
      assertThat(got.signalsAlarm()).isTrue();
      assertThat(got.transitionedAt()).isEqualTo(c.alarm("taxi-prod-v2-5xx").state().transitionedAt());
    }
  }
}
