package dev.safedeploy.bench.reliability;

import dev.safedeploy.bench.LocalStack;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code safedeploy worker} as a separate JVM on this test's classpath, pointed at a {@link LocalStack} through the
 * same environment variables an operator would set. {@link #kill()} is {@code kill -9}.
 */
final class WorkerProcess implements AutoCloseable {

  private static final Duration READY = Duration.ofSeconds(90);

  private final LocalStack stack;
  private volatile Process process;
  private int started;

  WorkerProcess(LocalStack stack) {
    this.stack = stack;
    // never leave a worker behind, even when the test JVM is stopped
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      Process p = process;
      if (p != null) {
        p.destroyForcibly();
      }
    }, "reliability-worker-reaper"));
  }

  /** Starts a worker and waits until it polls the task queue. */
  WorkerProcess start() {
    if (process != null && process.isAlive()) {
      throw new IllegalStateException("worker already running (pid " + process.pid() + ")");
    }
    started++;
    Path log = stack.home().resolve("worker-" + started + ".log");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder pb = new ProcessBuilder(java, "-Xmx512m", "-cp", System.getProperty("java.class.path"),
        "dev.safedeploy.starter.SafedeployCli", "worker")
        .redirectErrorStream(true)
        .redirectOutput(log.toFile());
    Map<String, String> env = pb.environment();
    env.put("TEMPORAL_ADDRESS", stack.temporalAddress());
    env.put("SAFEDEPLOY_PLATFORM_URL", stack.platform().url().toString());
    env.put("SAFEDEPLOY_HOME", stack.home().toString());
    env.put("SAFEDEPLOY_METRICS_PORT", "0");
    env.put("SAFEDEPLOY_ALARM_PERIOD_SECONDS", String.valueOf(stack.alarmPeriod().toMillis() / 1000.0));
    env.put("SAFEDEPLOY_BACKEND", "local");
    try {
      process = pb.start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the worker process", e);
    }
    long deadline = System.nanoTime() + READY.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("worker exited with " + process.exitValue() + ": " + tail(log));
      }
      if (tail(log).contains("polling task queue")) {
        return this;
      }
      sleep(100);
    }
    kill();
    throw new IllegalStateException("worker not ready within " + READY + ": " + tail(log));
  }

  /** SIGKILL: no shutdown hook, no graceful anything. */
  void kill() {
    if (process == null) {
      return;
    }
    process.destroyForcibly();
    try {
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        throw new IllegalStateException("worker pid " + process.pid() + " survived SIGKILL for 30 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  int starts() {
    return started;
  }

  private static String tail(Path log) {
    try {
      if (!Files.exists(log)) {
        return "";
      }
      String s = Files.readString(log);
      return s.length() > 4000 ? s.substring(s.length() - 4000) : s;
    } catch (IOException e) {
      return "(cannot read " + log + ": " + e.getMessage() + ")";
    }
  }

  static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  @Override
  public void close() {
    kill();
  }
}
