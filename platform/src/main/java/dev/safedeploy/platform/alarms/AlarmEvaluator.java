package dev.safedeploy.platform.alarms;

import dev.safedeploy.platform.api.AlarmDefinition;
import dev.safedeploy.platform.api.AlarmState;
import dev.safedeploy.workflows.pipeline.AlarmSignal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Evaluates every alarm on a short tick over sliding periods ending now (so a breach is seen within one tick, not at
 * the next period boundary), records transitions, and pushes each transition to ALARM to the workflows watching it.
 */
public final class AlarmEvaluator implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(AlarmEvaluator.class);

  private record Entry(AlarmDefinition definition, AlarmState state) {}

  private final Map<String, Entry> alarms = new ConcurrentHashMap<>();
  private final MetricSource metrics;
  private final AlarmSink sink;
  private final Consumer<AlarmState> onChange;
  private final Clock clock;
  private final ExecutorService sinkExecutor;
  /** Percentile alarms merge latency histograms over whole periods: evaluated at most 20 times a period. */
  private final Map<String, Long> percentileDue = new ConcurrentHashMap<>();
  private ScheduledExecutorService ticker;

  /** @param onChange called with every state or watcher change, to persist it */
  public AlarmEvaluator(MetricSource metrics, AlarmSink sink, Consumer<AlarmState> onChange, Clock clock) {
    this.metrics = metrics;
    this.sink = sink;
    this.onChange = onChange;
    this.clock = clock;
    this.sinkExecutor = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "alarm-sink");
      t.setDaemon(true);
      return t;
    });
  }

  public void start(Duration tick) {
    ticker = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "alarm-evaluator");
      t.setDaemon(true);
      return t;
    });
    ticker.scheduleWithFixedDelay(this::evaluateAllSafely, tick.toMillis(), tick.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Adds or replaces an alarm's definition; a new alarm starts INSUFFICIENT_DATA unless a state is given. */
  public synchronized void put(AlarmDefinition definition, AlarmState state) {
    Entry old = alarms.get(definition.name());
    AlarmState s = state != null ? state : old != null ? old.state()
        : new AlarmState(definition.name(), AlarmRules.INSUFFICIENT_DATA, "alarm created", clock.instant(),
            List.of());
    alarms.put(definition.name(), new Entry(definition, s));
  }

  public synchronized void remove(String name) {
    alarms.remove(name);
    percentileDue.remove(name);
  }

  public AlarmState state(String name) {
    Entry e = alarms.get(name);
    return e == null ? null : e.state();
  }

  public AlarmDefinition definition(String name) {
    Entry e = alarms.get(name);
    return e == null ? null : e.definition();
  }

  public List<String> names() {
    return List.copyOf(alarms.keySet());
  }

  /** Returns the updated state, or null when there is no such alarm. */
  public synchronized AlarmState watch(String name, String workflowId, boolean add) {
    Entry e = alarms.get(name);
    if (e == null) {
      return null;
    }
    List<String> watchers = new ArrayList<>(e.state().watchers());
    boolean changed = add ? !watchers.contains(workflowId) && watchers.add(workflowId) : watchers.remove(workflowId);
    if (!changed) {
      return e.state();
    }
    AlarmState s = new AlarmState(name, e.state().state(), e.state().reason(), e.state().transitionedAt(),
        List.copyOf(watchers));
    alarms.put(name, new Entry(e.definition(), s));
    onChange.accept(s);
    return s;
  }

  private void evaluateAllSafely() {
    try {
      evaluateAll();
    } catch (RuntimeException e) {
      log.error("alarm evaluation failed", e);
    }
  }

  /** One tick: every alarm evaluated at the same instant. */
  public void evaluateAll() {
    long now = clock.millis();
    for (String name : alarms.keySet()) {
      try {
        evaluate(name, now);
      } catch (RuntimeException e) {
        log.error("alarm {}: evaluation failed", name, e);
      }
    }
  }

  private void evaluate(String name, long now) {
    Entry e = alarms.get(name);
    if (e == null) {
      return;
    }
    AlarmDefinition d = e.definition();
    long period = Math.max(1, Math.round(d.periodSeconds() * 1000));
    if (AlarmRules.percentile(d.statistic()) != null) {
      Long due = percentileDue.get(name);
      if (due != null && now < due) {
        return;
      }
      percentileDue.put(name, now + period / 20);
    }
    List<Double> points = new ArrayList<>(d.evaluationPeriods());
    for (int k = d.evaluationPeriods() - 1; k >= 0; k--) {
      long to = now - k * period;
      points.add(metrics.datapoint(d, to - period, to));
    }
    AlarmRules.Decision decision = AlarmRules.evaluate(d, points, e.state().state());
    AlarmState fired = null;
    synchronized (this) {
      Entry current = alarms.get(name);
      if (current == null || current.definition() != d || decision.state().equals(current.state().state())) {
        return;
      }
      AlarmState s = new AlarmState(name, decision.state(), decision.reason(), Instant.ofEpochMilli(now),
          current.state().watchers());
      alarms.put(name, new Entry(d, s));
      log.info("alarm {}: {} -> {} ({})", name, current.state().state(), s.state(), s.reason());
      onChange.accept(s);
      if (AlarmRules.ALARM.equals(s.state())) {
        fired = s;
      }
    }
    if (fired != null) {
      AlarmSignal signal = new AlarmSignal(name, fired.state(), fired.reason(), fired.transitionedAt());
      for (String workflowId : fired.watchers()) {
        sinkExecutor.execute(() -> {
          try {
            sink.alarmFired(workflowId, signal);
          } catch (RuntimeException ex) {
            log.error("alarm {}: sink failed for workflow {}", name, workflowId, ex);
          }
        });
      }
    }
  }

  @Override
  public void close() {
    if (ticker != null) {
      ticker.shutdownNow();
    }
    sinkExecutor.shutdown();
    try {
      sinkExecutor.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
