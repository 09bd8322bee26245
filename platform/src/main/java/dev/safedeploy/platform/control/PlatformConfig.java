package dev.safedeploy.platform.control;

import dev.safedeploy.platform.alarms.AlarmSink;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * How a {@link LocalPlatform} runs. Zero or null fields take their defaults, so {@code PlatformConfig.of(home)} is a
 * working configuration.
 *
 * @param home where the platform keeps its state, jobs' outputs, capture and notifications
 * @param controlPort the control API's port, 0 for an ephemeral one
 * @param routerPort the invocation router's port, 0 for an ephemeral one
 * @param alarmSink told when a watched alarm transitions to ALARM
 * @param alarmTick how often every alarm is evaluated (default 50 ms)
 * @param maxPayloadBytes the largest invocation body accepted, like SageMaker's 6 MB (default 6 MiB)
 * @param jobThreads training/processing jobs that run at once (default 2)
 * @param routerThreads the router's pool for invocations over 64 KiB (default 32); smaller ones are answered on the
 *     I/O threads
 * @param allowedHosts host names besides localhost, 127.0.0.1 and [::1] the control API answers for (say the
 *     container name a worker in another container reaches it by); anything else is 403
 * @param dataRoots directories besides home that training data, baselines and model artifacts may be read from;
 *     any other path in a request is refused (400)
 */
public record PlatformConfig(Path home, String bindHost, int controlPort, int routerPort, AlarmSink alarmSink,
    Duration alarmTick, int maxPayloadBytes, int jobThreads, int routerThreads, List<String> allowedHosts,
    List<Path> dataRoots) {

  public PlatformConfig {
    if (home == null) {
      throw new IllegalArgumentException("PlatformConfig.home is required");
    }
    bindHost = bindHost == null || bindHost.isBlank() ? "127.0.0.1" : bindHost;
    alarmSink = alarmSink == null ? AlarmSink.NONE : alarmSink;
    alarmTick = alarmTick == null || alarmTick.isZero() || alarmTick.isNegative() ? Duration.ofMillis(50) : alarmTick;
    maxPayloadBytes = maxPayloadBytes <= 0 ? 6 * 1024 * 1024 : maxPayloadBytes;
    jobThreads = jobThreads <= 0 ? 2 : jobThreads;
    routerThreads = routerThreads <= 0 ? 32 : routerThreads;
    allowedHosts = allowedHosts == null ? List.of() : List.copyOf(allowedHosts);
    dataRoots = dataRoots == null ? List.of() : List.copyOf(dataRoots);
  }

  public PlatformConfig(Path home, String bindHost, int controlPort, int routerPort, AlarmSink alarmSink,
      Duration alarmTick, int maxPayloadBytes, int jobThreads, int routerThreads) {
    this(home, bindHost, controlPort, routerPort, alarmSink, alarmTick, maxPayloadBytes, jobThreads, routerThreads,
        null, null);
  }

  public static PlatformConfig of(Path home) {
    return new PlatformConfig(home, null, 0, 0, null, null, 0, 0, 0);
  }

  public PlatformConfig withPorts(int control, int router) {
    return new PlatformConfig(home, bindHost, control, router, alarmSink, alarmTick, maxPayloadBytes, jobThreads,
        routerThreads, allowedHosts, dataRoots);
  }

  public PlatformConfig withAlarmSink(AlarmSink sink) {
    return new PlatformConfig(home, bindHost, controlPort, routerPort, sink, alarmTick, maxPayloadBytes, jobThreads,
        routerThreads, allowedHosts, dataRoots);
  }

  public PlatformConfig withAlarmTick(Duration tick) {
    return new PlatformConfig(home, bindHost, controlPort, routerPort, alarmSink, tick, maxPayloadBytes, jobThreads,
        routerThreads, allowedHosts, dataRoots);
  }

  public PlatformConfig withMaxPayloadBytes(int max) {
    return new PlatformConfig(home, bindHost, controlPort, routerPort, alarmSink, alarmTick, max, jobThreads,
        routerThreads, allowedHosts, dataRoots);
  }

  public PlatformConfig withAllowedHosts(List<String> hosts) {
    return new PlatformConfig(home, bindHost, controlPort, routerPort, alarmSink, alarmTick, maxPayloadBytes,
        jobThreads, routerThreads, hosts, dataRoots);
  }

  /** Adds data roots (see {@code dataRoots}). */
  public PlatformConfig withDataRoots(List<Path> roots) {
    List<Path> all = new java.util.ArrayList<>(dataRoots);
    all.addAll(roots);
    return new PlatformConfig(home, bindHost, controlPort, routerPort, alarmSink, alarmTick, maxPayloadBytes,
        jobThreads, routerThreads, allowedHosts, all);
  }

  /** The environment variable of extra data roots, directories separated by the path separator (':' on Unix). */
  public static final String ENV_DATA_ROOTS = "SAFEDEPLOY_DATA_ROOTS";

  /** The data roots named in {@value #ENV_DATA_ROOTS}, empty when unset. */
  public static List<Path> dataRootsFromEnv(java.util.Map<String, String> env) {
    String v = env.get(ENV_DATA_ROOTS);
    List<Path> out = new java.util.ArrayList<>();
    if (v != null) {
      for (String part : v.split(java.io.File.pathSeparator)) {
        if (!part.isBlank()) {
          out.add(Path.of(part.trim()));
        }
      }
    }
    return out;
  }
}
