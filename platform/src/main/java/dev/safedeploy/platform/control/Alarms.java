package dev.safedeploy.platform.control;

import dev.safedeploy.platform.alarms.AlarmEvaluator;
import dev.safedeploy.platform.alarms.AlarmRules;
import dev.safedeploy.platform.alarms.AlarmSink;
import dev.safedeploy.platform.api.Alarm;
import dev.safedeploy.platform.api.AlarmDefinition;
import dev.safedeploy.platform.api.AlarmState;
import dev.safedeploy.platform.serving.MetricsRegistry;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * CloudWatch-style alarms: PutMetricAlarm semantics (create, or update the definition keeping state and watchers), the
 * workflows watching each alarm, and the evaluator's state saved on every transition. The evaluator holds the live
 * definitions and states; this class keeps them durable.
 */
final class Alarms implements AutoCloseable {
  static final String ALARMS = "alarms";
  static final String ALARM_STATES = "alarm-states";

  private final PlatformState state;
  final AlarmEvaluator evaluator;

  Alarms(PlatformState state, MetricsRegistry metrics, AlarmSink sink) {
    this.state = state;
    this.evaluator = new AlarmEvaluator(metrics, sink, this::saveState, Clock.systemUTC());
  }

  /** A restored alarm keeps its state and watchers; it transitions again only when the data says so. */
  void restore() {
    StateStore.Loaded<AlarmDefinition> as = state.store.loadAll(ALARMS, AlarmDefinition.class);
    state.note(ALARMS, as.corrupt());
    StateStore.Loaded<AlarmState> states = state.store.loadAll(ALARM_STATES, AlarmState.class);
    state.note(ALARM_STATES, states.corrupt());
    as.values().values().forEach(d -> evaluator.put(d, states.values().get(d.name())));
  }

  /** PutMetricAlarm: creates the alarm or updates its definition (state and watchers kept). */
  Outcome<Alarm> put(AlarmDefinition d) {
    StateStore.checkName("alarm", d.name());
    List<String> problems = AlarmRules.problems(d);
    if (!problems.isEmpty()) {
      throw PlatformException.badRequest("alarm " + d.name() + ": " + String.join("; ", problems));
    }
    synchronized (evaluator) {
      state.refuseCorrupt(ALARMS, d.name());
      AlarmDefinition existing = evaluator.definition(d.name());
      state.store.save(ALARMS, d.name(), d);
      if (existing != null && existing.equals(d)) {
        state.adopted(ALARMS, d.name());
        return new Outcome<>(get(d.name()), false);
      }
      evaluator.put(d, null);
      saveState(evaluator.state(d.name()));
      if (existing == null) {
        state.created(ALARMS, d.name());
      } else {
        state.adopted(ALARMS, d.name());
      }
      return new Outcome<>(get(d.name()), existing == null);
    }
  }

  Alarm get(String name) {
    state.refuseCorrupt(ALARMS, name);
    AlarmDefinition d = evaluator.definition(name);
    if (d == null) {
      throw PlatformException.notFound("alarm " + name + " does not exist");
    }
    return new Alarm(d, evaluator.state(name));
  }

  List<Alarm> list() {
    List<Alarm> out = new ArrayList<>();
    evaluator.names().stream().sorted().forEach(n -> {
      AlarmDefinition d = evaluator.definition(n);
      if (d != null) {
        out.add(new Alarm(d, evaluator.state(n)));
      }
    });
    return out;
  }

  void delete(String name) {
    synchronized (evaluator) {
      boolean existed = evaluator.definition(name) != null;
      evaluator.remove(name);
      state.store.delete(ALARMS, name);
      state.store.delete(ALARM_STATES, name);
      if (existed) {
        state.deleted(ALARMS, name);
      }
    }
  }

  AlarmState watch(String alarm, String workflowId, boolean add) {
    if (workflowId == null || workflowId.isBlank()) {
      throw PlatformException.badRequest("workflow id is required");
    }
    AlarmState s = evaluator.watch(alarm, workflowId, add);
    if (s == null) {
      if (!add) {
        return null;
      }
      throw PlatformException.notFound("alarm " + alarm + " does not exist");
    }
    return s;
  }

  /** The alarm's state name (OK, ALARM, INSUFFICIENT_DATA), null when it does not exist. */
  String status(String name) {
    AlarmState s = evaluator.state(name);
    return s == null ? null : s.state();
  }

  private void saveState(AlarmState s) {
    if (s != null) {
      state.store.save(ALARM_STATES, s.name(), s);
    }
  }

  @Override
  public void close() {
    evaluator.close();
  }
}
