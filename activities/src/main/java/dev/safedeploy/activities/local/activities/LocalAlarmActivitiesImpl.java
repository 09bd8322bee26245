package dev.safedeploy.activities.local.activities;

import dev.safedeploy.activities.local.LocalBackendConfig;
import dev.safedeploy.platform.api.Alarm;
import dev.safedeploy.platform.api.AlarmDefinition;
import dev.safedeploy.platform.client.PlatformClient;
import dev.safedeploy.platform.client.PlatformClientException;
import dev.safedeploy.workflows.activities.AlarmActivities;
import dev.safedeploy.workflows.activities.Failures;
import dev.safedeploy.workflows.pipeline.AlarmSignal;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The canary's alarms on the local platform. Without alarm names in the policy, the green variant gets the defaults
 * the seed's CodeDeploy group watches: {@code <endpoint>-<variant>-5xx} (Invocation5XXErrors Sum >= 1 in one period)
 * (or, with the policy's errorRateThreshold, the 5xx rate over a minimum sample count) and
 * {@code <endpoint>-<variant>-latency-p99} (ModelLatency p99 over the latency bound in 2 of 2 periods).
 */
public class LocalAlarmActivitiesImpl implements AlarmActivities {
  private static final Logger log = LoggerFactory.getLogger(LocalAlarmActivitiesImpl.class);
  private final PlatformClient platform;
  private final LocalBackendConfig config;

  public LocalAlarmActivitiesImpl(PlatformClient platform, LocalBackendConfig config) {
    this.platform = platform;
    this.config = config;
  }

  /** How the default canary alarms' names end, after {@code <endpoint>-<variant>}. */
  public static final String ERROR_SUFFIX = "-5xx";
  public static final String LATENCY_SUFFIX = "-latency-p99";

  public static String errorAlarm(String endpoint, String variant) {
    return endpoint + "-" + variant + ERROR_SUFFIX;
  }

  public static String latencyAlarm(String endpoint, String variant) {
    return endpoint + "-" + variant + LATENCY_SUFFIX;
  }

  /** The backend's default canary alarms of one variant (made by watch, deleted when it leaves production). */
  public static List<String> canaryAlarms(String endpoint, String variant) {
    return List.of(errorAlarm(endpoint, variant), latencyAlarm(endpoint, variant));
  }

  /** The alarms a watch covers: the policy's names, else the variant's defaults. */
  private static List<String> names(AlarmWatch watch) {
    return named(watch) ? watch.alarmNames() : canaryAlarms(watch.endpointName(), watch.greenVariant());
  }

  private static boolean named(AlarmWatch watch) {
    return watch.alarmNames() != null && !watch.alarmNames().isEmpty();
  }

  @Override
  public List<String> watchAlarms(AlarmWatch watch) {
    try {
      if (!named(watch)) {
        double period = config.alarmPeriod().toMillis() / 1000.0;
        platform.putAlarm(errorAlarmDefinition(watch, period));
        platform.putAlarm(new AlarmDefinition(latencyAlarm(watch.endpointName(), watch.greenVariant()),
            "ModelLatency", watch.endpointName(), watch.greenVariant(), "p99", period, 2, 2,
            config.latencyThreshold().toNanos() / 1000.0, "GreaterThanThreshold", "notBreaching"));
      }
      List<String> names = List.copyOf(names(watch));
      for (String name : names) {
        platform.watch(name, watch.workflowId());
      }
      log.info("workflow {} watches alarms {}", watch.workflowId(), names);
      return names;
    } catch (PlatformClientException e) {
      throw Adapters.failure(e, Failures.NOT_FOUND);
    }
  }

  /**
   * Any 5xx in a period, or with the policy's errorRateThreshold the 5xx rate (Average of the 0/1 datapoints)
   * reaching it in a period of at least errorRateMinSamples invocations. Client errors (4xx) count in neither.
   */
  static AlarmDefinition errorAlarmDefinition(AlarmWatch watch, double period) {
    String name = errorAlarm(watch.endpointName(), watch.greenVariant());
    if (watch.errorRateThreshold() == null) {
      return new AlarmDefinition(name, "Invocation5XXErrors", watch.endpointName(), watch.greenVariant(), "Sum",
          period, 1, 1, 1, "GreaterThanOrEqualToThreshold", "notBreaching");
    }
    int min = watch.errorRateMinSamples() == null ? 20 : watch.errorRateMinSamples();
    return new AlarmDefinition(name, "Invocation5XXErrors", watch.endpointName(), watch.greenVariant(), "Average",
        period, 1, 1, watch.errorRateThreshold(), "GreaterThanOrEqualToThreshold", "notBreaching", min);
  }

  @Override
  public void deleteCanaryAlarms(AlarmWatch watch) {
    if (named(watch)) {
      return; // the policy's alarms are the user's
    }
    for (String name : canaryAlarms(watch.endpointName(), watch.greenVariant())) {
      try {
        platform.deleteAlarm(name);
      } catch (PlatformClientException e) {
        if (!e.notFound()) {
          throw Adapters.failure(e, Failures.NOT_FOUND);
        }
      }
    }
  }

  @Override
  public List<String> missingAlarms(List<String> alarmNames) {
    List<String> missing = new ArrayList<>();
    for (String name : alarmNames == null ? List.<String>of() : alarmNames) {
      if (platform.alarm(name) == null) {
        missing.add(name);
      }
    }
    return missing;
  }

  @Override
  public List<AlarmSignal> pollAlarms(List<String> alarmNames) {
    List<AlarmSignal> firing = new ArrayList<>();
    for (String name : alarmNames) {
      Alarm a = platform.alarm(name);
      if (a == null) {
        log.warn("alarm {} does not exist; nothing to poll", name);
        continue;
      }
      if (AlarmSignal.ALARM.equals(a.state().state())) {
        firing.add(new AlarmSignal(name, a.state().state(), a.state().reason(), a.state().transitionedAt()));
      }
    }
    return firing;
  }

  @Override
  public void unwatchAlarms(AlarmWatch watch) {
    for (String name : names(watch)) {
      try {
        platform.unwatch(name, watch.workflowId());
      } catch (PlatformClientException e) {
        if (!e.notFound()) {
          throw Adapters.failure(e, Failures.NOT_FOUND);
        }
      }
    }
  }
}
