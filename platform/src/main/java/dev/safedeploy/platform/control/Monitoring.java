package dev.safedeploy.platform.control;

import dev.safedeploy.platform.api.MonitoringSchedule;
import dev.safedeploy.platform.serving.DataCapture;
import dev.safedeploy.platform.serving.MetricsRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;

/** Model Monitor's schedules: each a drift check of an endpoint's captured inputs against a baseline, on a timer. */
final class Monitoring implements AutoCloseable {
  static final String SCHEDULES = "monitoring-schedules";

  private final PlatformState state;
  final ResourceTable<MonitoringSchedule> table;
  private final DriftMonitor monitor;
  private final DataRoots roots;

  Monitoring(PlatformState state, DataCapture capture, MetricsRegistry metrics, DataRoots roots) {
    this.roots = roots;
    this.state = state;
    this.table = new ResourceTable<>(SCHEDULES, "monitoring schedule", MonitoringSchedule.class, state);
    this.monitor = new DriftMonitor(capture, metrics);
  }

  void restore() {
    table.restore().forEach(monitor::schedule);
  }

  Outcome<MonitoringSchedule> create(MonitoringSchedule request) {
    StateStore.checkName("monitoring schedule", request.name());
    PlatformException.require(request.endpoint(), "endpoint");
    roots.confine("statisticsPath", request.statisticsPath());
    if (request.constraintsPath() != null && !request.constraintsPath().isBlank()) {
      roots.confine("constraintsPath", request.constraintsPath());
    }
    if (!(request.intervalSeconds() > 0)) {
      throw PlatformException.badRequest("intervalSeconds must be positive, got " + request.intervalSeconds());
    }
    if (!Files.isRegularFile(Path.of(request.statisticsPath()))) {
      throw PlatformException.badRequest("statistics " + request.statisticsPath() + " does not exist");
    }
    synchronized (table.lock(request.name())) {
      Outcome<MonitoringSchedule> o = table.createOrAdopt(request.name(), existing -> { },
          () -> new MonitoringSchedule(request.name(), request.endpoint(), request.statisticsPath(),
              request.constraintsPath(), request.intervalSeconds(), Instant.now()));
      if (o.created()) {
        monitor.schedule(o.resource());
      }
      return o;
    }
  }

  MonitoringSchedule get(String name) {
    return table.get(name);
  }

  void delete(String name) {
    synchronized (table.lock(name)) {
      table.remove(name);
      if (monitor.unschedule(name)) {
        state.deleted(SCHEDULES, name);
      }
    }
  }

  /** Runs one drift check of the schedule now (tests and tools). */
  Map<String, Double> runNow(String name) {
    return monitor.runOnce(get(name));
  }

  @Override
  public void close() {
    monitor.close();
  }
}
