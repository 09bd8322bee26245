package dev.safedeploy.platform.alarms;

import static org.assertj.core.api.Assertions.assertThat;

import dev.safedeploy.platform.api.AlarmDefinition;
import dev.safedeploy.platform.api.AlarmState;
import dev.safedeploy.workflows.pipeline.AlarmSignal;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class AlarmEvaluatorTest {
  /** The metric answers the current value for every period; null is no data. */
  final AtomicReference<Double> value = new AtomicReference<>();
  final List<String> fired = new CopyOnWriteArrayList<>();
  final List<AlarmState> persisted = new CopyOnWriteArrayList<>();
  final AlarmEvaluator evaluator = new AlarmEvaluator((a, from, to) -> value.get(),
      (workflowId, signal) -> fired.add(workflowId + ":" + signal.alarmName() + ":" + signal.state()),
      persisted::add, Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC));

  @AfterEach
  void close() {
    evaluator.close();
  }

  @Test
  void okAlarmOkTransitionsCallTheSinkOncePerTransitionToAlarm() throws Exception {
    evaluator.put(new AlarmDefinition("ep-v2-5xx", "Invocation5XXErrors", "ep", "v2", "Sum", 1, 1, 1, 1,
        "GreaterThanOrEqualToThreshold", "notBreaching"), null);
    assertThat(evaluator.watch("ep-v2-5xx", "deploy-m-v2", true).watchers()).containsExactly("deploy-m-v2");
    assertThat(evaluator.state("ep-v2-5xx").state()).isEqualTo("INSUFFICIENT_DATA");

    evaluator.evaluateAll();
    assertThat(evaluator.state("ep-v2-5xx").state()).isEqualTo("OK");

    value.set(3.0);
    for (int i = 0; i < 5; i++) {
      evaluator.evaluateAll(); // stays in ALARM: one transition, one push
    }
    AlarmState alarm = evaluator.state("ep-v2-5xx");
    assertThat(alarm.state()).isEqualTo("ALARM");
    assertThat(alarm.transitionedAt()).isEqualTo(Instant.parse("2026-01-01T00:00:00Z"));
    awaitFired(1);

    value.set(0.0);
    evaluator.evaluateAll();
    assertThat(evaluator.state("ep-v2-5xx").state()).isEqualTo("OK");
    value.set(1.0);
    evaluator.evaluateAll();
    awaitFired(2);
    Thread.sleep(100); // nothing else may arrive
    assertThat(fired).containsExactly("deploy-m-v2:ep-v2-5xx:ALARM", "deploy-m-v2:ep-v2-5xx:ALARM");
    assertThat(persisted).extracting(AlarmState::state)
        .containsSubsequence("OK", "ALARM", "OK", "ALARM");
  }

  @Test
  void unwatchedAlarmsFireNoSignalAndAFailingSinkDoesNotStopEvaluation() {
    AlarmEvaluator failing = new AlarmEvaluator((a, f, t) -> 10.0, (w, s) -> {
      throw new IllegalStateException("temporal down");
    }, s -> { }, Clock.systemUTC());
    try {
      failing.put(new AlarmDefinition("x", "Invocations", "ep", null, "Sum", 1, 1, 1, 5, "GreaterThanThreshold",
          "missing"), null);
      failing.put(new AlarmDefinition("y", "Invocations", "ep", null, "Sum", 1, 1, 1, 50, "GreaterThanThreshold",
          "missing"), null);
      failing.watch("x", "wf", true);
      failing.evaluateAll();
      failing.evaluateAll();
      assertThat(failing.state("x").state()).isEqualTo("ALARM");
      assertThat(failing.state("y").state()).isEqualTo("OK");
    } finally {
      failing.close();
    }
  }

  @Test
  void signalCarriesTheAlarmsTransitionTime() throws Exception {
    List<AlarmSignal> signals = new CopyOnWriteArrayList<>();
    AlarmEvaluator e = new AlarmEvaluator((a, f, t) -> 1.0, (w, s) -> signals.add(s), s -> { },
        Clock.fixed(Instant.parse("2026-02-02T10:00:00.123Z"), ZoneOffset.UTC));
    try {
      e.put(new AlarmDefinition("z", "Invocation5XXErrors", "ep", "v", "Sum", 1, 1, 1, 1,
          "GreaterThanOrEqualToThreshold", "notBreaching"), null);
      e.watch("z", "wf", true);
      e.evaluateAll();
      for (int i = 0; i < 100 && signals.isEmpty(); i++) {
        Thread.sleep(10);
      }
      assertThat(signals).hasSize(1);
      assertThat(signals.get(0).signalsAlarm()).isTrue();
      assertThat(signals.get(0).problem()).isNull();
      assertThat(signals.get(0).transitionedAt()).isEqualTo(Instant.parse("2026-02-02T10:00:00.123Z"));
    } finally {
      e.close();
    }
  }

  private void awaitFired(int n) throws InterruptedException {
    for (int i = 0; i < 200 && fired.size() < n; i++) {
      Thread.sleep(10);
    }
    assertThat(fired).hasSize(n);
  }
}
