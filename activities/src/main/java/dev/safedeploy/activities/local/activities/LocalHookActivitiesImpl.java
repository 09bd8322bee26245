package dev.safedeploy.activities.local.activities;

import dev.safedeploy.activities.local.LocalBackendConfig;
import dev.safedeploy.platform.client.PlatformClient;
import dev.safedeploy.workflows.activities.Failures;
import dev.safedeploy.workflows.activities.HookActivities;
import dev.safedeploy.workflows.activities.HookVerdict;
import io.temporal.failure.ApplicationFailure;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Smoke test and pre/post-traffic hooks, for real: sample rows from the test CSV (target column stripped) are sent
 * through the router one by one; every answer must be 200 and numeric, and p99 latency within the bound. The
 * post-traffic hook also requires data capture files written for the endpoint during the hook.
 */
public class LocalHookActivitiesImpl implements HookActivities {
  private static final Logger log = LoggerFactory.getLogger(LocalHookActivitiesImpl.class);
  private static final long CAPTURE_WAIT_MILLIS = 5_000;
  private final PlatformClient platform;
  private final LocalBackendConfig config;

  public LocalHookActivitiesImpl(PlatformClient platform, LocalBackendConfig config) {
    this.platform = platform;
    this.config = config;
  }

  @Override
  public HookResult smokeTest(HookRequest request) {
    return invokeRows(request, "smoke test");
  }

  @Override
  public HookResult preTraffic(HookRequest request) {
    return invokeRows(request, "pre-traffic hook");
  }

  @Override
  public HookResult postTraffic(HookRequest request) {
    long started = System.currentTimeMillis();
    HookResult r = invokeRows(request, "post-traffic hook");
    if (!r.passed()) {
      return r;
    }
    Path capture = home().resolve("capture").resolve(request.endpointName());
    long deadline = System.currentTimeMillis() + CAPTURE_WAIT_MILLIS;
    while (!captureSince(capture, started - 1000)) {
      if (System.currentTimeMillis() > deadline) {
        return new HookResult(false, "post-traffic hook: no data capture written under " + capture
            + " while the hook invoked " + request.endpointName(), r.invocations(), r.p99LatencyMillis());
      }
      Adapters.heartbeat("waiting for data capture");
      Adapters.sleep(100);
    }
    return r;
  }

  private HookResult invokeRows(HookRequest request, String what) {
    List<String> rows = sampleRows(Adapters.path(request.sampleUri(), "sampleUri"), Math.max(1, request.rows()));
    List<Long> latencies = new ArrayList<>();
    for (int i = 0; i < rows.size(); i++) {
      PlatformClient.Invocation inv = platform.invoke(request.endpointName(), request.variantName(), "text/csv",
          rows.get(i).getBytes(StandardCharsets.UTF_8));
      latencies.add(inv.latencyNanos() / 1_000_000);
      if (i % 10 == 0) {
        Adapters.heartbeat(i);
      }
      String target = request.endpointName() + (request.variantName() == null ? "" : "/" + request.variantName());
      if (inv.status() != 200) {
        return fail(what + ": row " + (i + 1) + " to " + target + " answered HTTP " + inv.status() + ": "
            + abbreviate(inv.text()), i + 1, latencies);
      }
      if (request.variantName() != null && !request.variantName().equals(inv.variant())) {
        return fail(what + ": row " + (i + 1) + " targeted variant " + request.variantName() + " but "
            + inv.variant() + " answered", i + 1, latencies);
      }
      String problem = HookVerdict.answerProblem(inv.text(), 1);
      if (problem != null) {
        return fail(what + ": row " + (i + 1) + " to " + target + " answered " + problem, i + 1, latencies);
      }
    }
    long p99 = HookVerdict.p99(latencies);
    String slow = HookVerdict.latencyProblem(latencies, request.maxLatencyMillis());
    if (slow != null) {
      return new HookResult(false, what + ": " + slow, rows.size(), p99);
    }
    log.info("{} of {} passed: {} invocations, p99 {} ms", what, request.endpointName(), rows.size(), p99);
    return new HookResult(true, null, rows.size(), p99);
  }

  private static HookResult fail(String reason, int invocations, List<Long> latencies) {
    log.warn(reason);
    return new HookResult(false, reason, invocations, HookVerdict.p99(latencies));
  }

  /** The first n rows of a header-less target-first CSV, target stripped. */
  static List<String> sampleRows(Path file, int n) {
    List<String> rows = new ArrayList<>();
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String line;
      int lineNo = 0;
      while (rows.size() < n && (line = in.readLine()) != null) {
        lineNo++;
        if (line.isBlank()) {
          continue;
        }
        String[] cells = line.split(",", -1);
        if (cells.length < 2) {
          throw ApplicationFailure.newNonRetryableFailure(file + " line " + lineNo + ": expected the target and at"
              + " least one feature, got '" + abbreviate(line) + "'", Failures.BAD_DATA);
        }
        rows.add(String.join(",", Arrays.copyOfRange(cells, 1, cells.length)));
      }
    } catch (IOException e) {
      throw ApplicationFailure.newNonRetryableFailure("sample rows " + file + " are not readable: " + e,
          Failures.BAD_DATA);
    }
    if (rows.isEmpty()) {
      throw ApplicationFailure.newNonRetryableFailure("sample rows " + file + " hold no rows", Failures.BAD_DATA);
    }
    return rows;
  }

  private Path home() {
    return config.home() != null ? config.home() : Path.of(platform.health().path("home").asText());
  }

  private static boolean captureSince(Path dir, long sinceMillis) {
    if (!Files.isDirectory(dir)) {
      return false;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      return walk.anyMatch(p -> {
        try {
          return p.toString().endsWith(".jsonl") && Files.size(p) > 0
              && Files.getLastModifiedTime(p).toMillis() >= sinceMillis;
        } catch (IOException e) {
          return false;
        }
      });
    } catch (IOException e) {
      return false;
    }
  }

  private static String abbreviate(String s) {
    return s.length() > 200 ? s.substring(0, 200) + "..." : s;
  }
}
