package dev.safedeploy.workflows.pipeline;

import static dev.safedeploy.workflows.testing.PipelineHarness.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.safedeploy.workflows.activities.NotificationActivities.Kind;
import dev.safedeploy.workflows.activities.NotificationActivities.Notification;
import dev.safedeploy.workflows.testing.FakeBackend;
import dev.safedeploy.workflows.testing.PipelineHarness;
import io.temporal.client.WorkflowStub;
import io.temporal.client.WorkflowUpdateException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** An alarm that is in ALARM while a run waits for approval is shown, blocks a plain approval, and can be overridden. */
@Timeout(60)
class AlarmsAtApprovalTest {

  private static final String NAMED = "nyctaxi-prod-errors";
  private PipelineHarness harness;

  @AfterEach
  void tearDown() {
    if (harness != null) {
      harness.close();
    }
  }

  private SafeDeploymentWorkflow atApproval(FakeBackend backend, DeploymentPolicy policy) {
    harness = new PipelineHarness(backend);
    SafeDeploymentWorkflow wf = harness.start(request("v2", policy));
    harness.awaitStage(wf, Stage.AWAIT_APPROVAL);
    return wf;
  }

  private static DeploymentPolicy named() {
    return DeploymentPolicy.builder().watchWindow(Duration.ZERO).alarmNames(List.of(NAMED)).build();
  }

  private PipelineResult result(SafeDeploymentWorkflow wf) throws Exception {
    return WorkflowStub.fromTyped(wf).getResult(20, TimeUnit.SECONDS, PipelineResult.class);
  }

  @Test
  void namedAlarmInAlarmAtApprovalIsOnTheRequestAndRefusesAPlainApproval() throws Exception {
    FakeBackend backend = new FakeBackend().withLive("nyctaxi", "v1", 5.0);
    backend.alarmsInAlarm.add(NAMED);
    SafeDeploymentWorkflow wf = atApproval(backend, named());

    Notification asked = awaitNotification(backend, n -> n.kind() == Kind.APPROVAL_REQUESTED);
    assertThat(asked.text()).contains(NAMED).contains("--override-alarms");
    assertThat(asked.fields()).containsKey("alarms");
    assertThatThrownBy(() -> wf.decide(ApprovalDecision.approve("bob", "ok", "cli")))
        .isInstanceOf(WorkflowUpdateException.class)
        .rootCause().hasMessageContaining("alarm in ALARM: " + NAMED + " (threshold crossed); approve with "
            + "--override-alarms to deploy anyway");
    assertThat(wf.status().stage()).isEqualTo(Stage.AWAIT_APPROVAL);
    assertThat(wf.status().alarms()).extracting(AlarmRecord::action).contains("blocks approval");

    // A rejection needs no override.
    wf.decide(ApprovalDecision.reject("bob", "prod is alarming", "cli"));
    assertThat(result(wf).outcome()).isEqualTo(Outcome.REJECTED);
  }

  @Test
  void aNamedAlarmThatDoesNotExistFailsTheRunBeforeTraining() throws Exception {
    FakeBackend backend = new FakeBackend().withLive("nyctaxi", "v1", 5.0);
    backend.absentAlarms.add("nyctaxi-prod-erors");
    harness = new PipelineHarness(backend);
    SafeDeploymentWorkflow wf = harness.start(request("v2", DeploymentPolicy.builder().watchWindow(Duration.ZERO)
        .alarmNames(List.of(NAMED, "nyctaxi-prod-erors")).build()));
    PipelineResult result = result(wf);

    assertThat(result.outcome()).isEqualTo(Outcome.FAILED);
    assertThat(result.reason()).contains("no such alarm nyctaxi-prod-erors").doesNotContain(NAMED + ",");
    assertThat(backend.calls).noneMatch(c -> c.startsWith("train") || c.startsWith("createModel"));
  }

  @Test
  void overriddenAlarmDoesNotStopTheCanaryButALaterTransitionDoes() throws Exception {
    FakeBackend backend = new FakeBackend().withLive("nyctaxi", "v1", 5.0);
    backend.alarmsInAlarm.add(NAMED);
    SafeDeploymentWorkflow wf = atApproval(backend, named());
    harness.awaitStatus(wf, s -> !s.alarms().isEmpty()); // what bob was shown
    wf.decide(ApprovalDecision.approveOverridingAlarms("bob", "known: blue's errors, v2 fixes them", "cli"));
    PipelineResult promoted = result(wf);

    // Still in ALARM through the canary, in the very transition bob overrode: the canary goes on.
    assertThat(promoted.outcome()).as(promoted.reason() + " " + wf.status().events()).isEqualTo(Outcome.PROMOTED);
    assertThat(wf.status().events()).anyMatch(e -> e.contains("alarms overridden by bob: " + NAMED));
    assertThat(backend.calls).as("the policy's alarms are the user's").noneMatch(c -> c.startsWith("deleteCanaryAlarms"));

    FakeBackend again = new FakeBackend().withLive("nyctaxi", "v1", 5.0);
    again.alarmsInAlarm.add(NAMED);
    harness.close();
    SafeDeploymentWorkflow wf2 = atApproval(again, named());
    again.onCall = c -> {
      if (c.equals("shiftTraffic nyctaxi-prod {v1=90, v2=10}")) {
        // the alarm went OK and back to ALARM after the approval: news, it counts
        harness.client.newWorkflowStub(SafeDeploymentWorkflow.class, wf2Id())
            .alarm(new AlarmSignal(NAMED, "ALARM", "errors again", again.clock.plusSeconds(30)));
      }
    };
    harness.awaitStatus(wf2, s -> !s.alarms().isEmpty());
    wf2.decide(ApprovalDecision.approveOverridingAlarms("bob", "known", "cli"));
    PipelineResult rolledBack = result(wf2);
    assertThat(rolledBack.outcome()).isEqualTo(Outcome.ROLLED_BACK);
    assertThat(rolledBack.reason()).contains(NAMED).contains("errors again");
  }

  /** Notifications are activities: they land a moment after the stage the status shows. */
  private static Notification awaitNotification(FakeBackend backend, java.util.function.Predicate<Notification> p)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (System.nanoTime() < deadline) {
      for (Notification n : backend.notifications) {
        if (p.test(n)) {
          return n;
        }
      }
      Thread.sleep(20);
    }
    throw new AssertionError("no such notification; sent: " + backend.notifications);
  }

  private static String wf2Id() {
    return request("v2", named()).workflowId();
  }

  @Test
  void pushedAlarmDuringApprovalBlocksUntilItClears() throws Exception {
    FakeBackend backend = new FakeBackend().withLive("nyctaxi", "v1", 5.0);
    SafeDeploymentWorkflow wf = atApproval(backend, DeploymentPolicy.builder().watchWindow(Duration.ZERO).build());
    wf.alarm(new AlarmSignal("nyctaxi-prod-v1-5xx", "ALARM", "5xx > 5", backend.clock));
    harness.awaitStatus(wf, s -> s.alarms().stream().anyMatch(a -> "blocks approval".equals(a.action())));
    // The approvers are told at once, not at the next reminder.
    Notification announced = awaitNotification(backend, n -> n.kind() == Kind.APPROVAL_REMINDER
        && n.text().contains("nyctaxi-prod-v1-5xx"));
    assertThat(announced.fields().get("alarms")).isEqualTo("nyctaxi-prod-v1-5xx: 5xx > 5");
    assertThatThrownBy(() -> wf.decide(ApprovalDecision.approve("bob", "ok", "cli")))
        .isInstanceOf(WorkflowUpdateException.class).rootCause().hasMessageContaining("alarm in ALARM: "
            + "nyctaxi-prod-v1-5xx (5xx > 5); approve with --override-alarms to deploy anyway");

    wf.alarm(new AlarmSignal("nyctaxi-prod-v1-5xx", "OK", "back to normal", backend.clock.plusSeconds(60)));
    harness.awaitStatus(wf, s -> s.alarms().stream().anyMatch(a -> "no longer blocks approval".equals(a.action())));
    wf.decide(ApprovalDecision.approve("bob", "ok now", "cli"));
    assertThat(result(wf).outcome()).isEqualTo(Outcome.PROMOTED);
  }

  @Test
  void alarmToBlueCountsFromTheCanaryStartForAnAlarmOlderThanTheCanary() throws Exception {
    FakeBackend backend = new FakeBackend().withLive("nyctaxi", "v1", 5.0);
    SafeDeploymentWorkflow wf = atApproval(backend, DeploymentPolicy.builder().watchWindow(Duration.ZERO).build());
    backend.onCall = c -> {
      if (c.equals("shiftTraffic nyctaxi-prod {v1=90, v2=10}")) {
        // the green alarm's transition is stamped an hour before the canary began (a stale clock, a late push)
        harness.client.newWorkflowStub(SafeDeploymentWorkflow.class, request("v2", null).workflowId())
            .alarm(new AlarmSignal("nyctaxi-prod-v2-5xx", "ALARM", "5xx > 5", backend.clock.minusSeconds(3600)));
      }
    };
    wf.decide(ApprovalDecision.approve("bob", "ok", "cli"));
    PipelineResult result = result(wf);
    assertThat(result.outcome()).isEqualTo(Outcome.ROLLED_BACK);
    assertThat(result.alarmToBlueMillis()).isEqualTo(0L);
  }
}
