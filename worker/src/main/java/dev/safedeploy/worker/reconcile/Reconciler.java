package dev.safedeploy.worker.reconcile;

import com.fasterxml.jackson.databind.JsonNode;
import dev.safedeploy.activities.local.activities.LocalAlarmActivitiesImpl;
import dev.safedeploy.platform.client.PlatformClient;
import dev.safedeploy.platform.client.PlatformClientException;
import dev.safedeploy.workflows.pipeline.PipelineRequest;
import dev.safedeploy.workflows.pipeline.ResourceNames;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Finds what the pipeline left on the local platform that no open run owns, and removes it on request: dev endpoints
 * of ended runs, production variants at 0% of ended runs (a terminated run's green), the canary alarms of variants that
 * are gone, drift schedules of versions that are not live. Only names the pipeline makes ({@link ResourceNames}) are
 * considered; anything else on the platform is someone else's and is left alone.
 *
 * <p>A production endpoint on which any variant's run is still open is skipped as a whole: that run owns its layout
 * (blue at 0% during a watch window is needed for a rollback).
 */
public final class Reconciler {

  /** One resource nobody owns. {@code kind}: endpoint, variant, alarm, schedule. */
  public record Orphan(String kind, String name, String why) {}

  public record Report(List<Orphan> orphans, List<String> removed, List<String> failed) {}

  private final PlatformClient platform;
  private final Predicate<String> runIsOpen;

  /** @param runIsOpen whether the workflow with this id is running (unknown ids are not) */
  public Reconciler(PlatformClient platform, Predicate<String> runIsOpen) {
    this.platform = platform;
    this.runIsOpen = runIsOpen;
  }

  public List<Orphan> orphans() {
    JsonNode inv = platform.inventory();
    List<Orphan> out = new ArrayList<>();
    Map<String, Map<String, Integer>> prod = new LinkedHashMap<>(); // model -> live variant -> weight
    Map<String, JsonNode> endpoints = existing(inv.path("endpoints"));
    for (Map.Entry<String, JsonNode> e : endpoints.entrySet()) {
      String name = e.getKey();
      int dev = name.lastIndexOf("-dev-");
      if (dev > 0) {
        String model = name.substring(0, dev);
        String version = name.substring(dev + "-dev-".length());
        if (!new ResourceNames(model, version).devEndpoint().equals(name) || open(model, version)) {
          continue;
        }
        out.add(new Orphan("endpoint", name, "dev endpoint of " + runId(model, version) + ", which is not running"));
      } else if (name.endsWith("-prod")) {
        String model = name.substring(0, name.length() - "-prod".length());
        Map<String, Integer> variants = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = e.getValue().path("variants").fields(); it.hasNext(); ) {
          Map.Entry<String, JsonNode> v = it.next();
          if (v.getValue().path("exists").asBoolean()) {
            variants.put(v.getKey(), v.getValue().path("weight").asInt());
          }
        }
        prod.put(model, variants);
        boolean busy = variants.keySet().stream().anyMatch(v -> open(model, v));
        int live = (int) variants.values().stream().filter(w -> w > 0).count();
        if (busy || live == 0) {
          continue; // a run owns the layout, or nothing serves: not ours to guess which variant to keep
        }
        variants.forEach((v, w) -> {
          if (w == 0) {
            out.add(new Orphan("variant", name + "/" + v, "0% on " + name + " and " + runId(model, v)
                + " is not running"));
          }
        });
      }
    }
    for (String alarm : existing(inv.path("alarms")).keySet()) {
      for (Map.Entry<String, Map<String, Integer>> p : prod.entrySet()) {
        String model = p.getKey();
        String prefix = new ResourceNames(model, "x").prodEndpoint() + "-";
        String variant = canaryVariant(alarm, prefix);
        if (variant == null) {
          continue;
        }
        Integer weight = p.getValue().get(variant);
        boolean orphanVariant = out.stream().anyMatch(o -> o.kind().equals("variant")
            && o.name().equals(prefix.substring(0, prefix.length() - 1) + "/" + variant));
        if ((weight == null || orphanVariant) && !open(model, variant)) {
          out.add(new Orphan("alarm", alarm, "canary alarm of " + model + " " + variant
              + (weight == null ? ", which is not on the endpoint" : ", an orphan variant")));
        }
      }
    }
    for (String schedule : existing(inv.path("monitoringSchedules")).keySet()) {
      for (Map.Entry<String, Map<String, Integer>> p : prod.entrySet()) {
        String model = p.getKey();
        if (!schedule.startsWith(model + "-") || !schedule.endsWith("-drift")) {
          continue;
        }
        String version = schedule.substring(model.length() + 1, schedule.length() - "-drift".length());
        if (!new ResourceNames(model, version).monitoringSchedule().equals(schedule)) {
          continue;
        }
        Integer weight = p.getValue().get(version);
        if ((weight == null || weight == 0) && !open(model, version)) {
          out.add(new Orphan("schedule", schedule, "drift schedule of " + model + " " + version
              + ", which is not live"));
        }
      }
    }
    return out;
  }

  /** Removes the orphans found now; each removal is idempotent, a failure is reported and the rest go on. */
  public Report apply() {
    List<Orphan> orphans = orphans();
    List<String> removed = new ArrayList<>();
    List<String> failed = new ArrayList<>();
    for (Orphan o : orphans) {
      try {
        switch (o.kind()) {
          case "endpoint" -> platform.deleteEndpoint(o.name());
          case "variant" -> {
            int slash = o.name().indexOf('/');
            platform.removeVariant(o.name().substring(0, slash), o.name().substring(slash + 1));
          }
          case "alarm" -> platform.deleteAlarm(o.name());
          case "schedule" -> platform.deleteSchedule(o.name());
          default -> throw new IllegalStateException("unknown kind " + o.kind());
        }
        removed.add(o.kind() + " " + o.name());
      } catch (PlatformClientException e) {
        if (e.notFound()) {
          removed.add(o.kind() + " " + o.name() + " (already gone)");
        } else {
          failed.add(o.kind() + " " + o.name() + ": " + e.getMessage());
        }
      }
    }
    return new Report(orphans, removed, failed);
  }

  /**
   * The one line {@code dev} and {@code platform} print at start when something has no owner (listed, never removed
   * there: {@code reconcile --apply} removes); empty when all is owned. Never fails the start.
   */
  public static java.util.Optional<String> startNotice(PlatformClient platform, io.temporal.client.WorkflowClient client) {
    try {
      List<Orphan> orphans = new Reconciler(platform, new OpenRuns(client)).orphans();
      if (orphans.isEmpty()) {
        return java.util.Optional.empty();
      }
      return java.util.Optional.of("safedeploy: " + orphans.size() + " platform resource(s) no open run owns: "
          + String.join(", ", orphans.stream().map(o -> o.kind() + " " + o.name()).toList())
          + "; `safedeploy reconcile` explains, `--apply` removes them");
    } catch (RuntimeException e) {
      return java.util.Optional.of("safedeploy: reconcile check skipped: " + e.getMessage());
    }
  }

  /** The variant of a pipeline canary alarm ({@code <endpoint>-<variant>-5xx|-latency-p99}), else null. */
  static String canaryVariant(String alarm, String endpointPrefix) {
    if (!alarm.startsWith(endpointPrefix)) {
      return null;
    }
    String rest = alarm.substring(endpointPrefix.length());
    for (String suffix : List.of(LocalAlarmActivitiesImpl.ERROR_SUFFIX, LocalAlarmActivitiesImpl.LATENCY_SUFFIX)) {
      if (rest.endsWith(suffix) && rest.length() > suffix.length()) {
        return rest.substring(0, rest.length() - suffix.length());
      }
    }
    return null;
  }

  private boolean open(String model, String version) {
    return runIsOpen.test(runId(model, version));
  }

  private static String runId(String model, String version) {
    return PipelineRequest.workflowId(model, version);
  }

  private static Map<String, JsonNode> existing(JsonNode section) {
    Map<String, JsonNode> out = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = section.path("items").fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (e.getValue().path("exists").asBoolean()) {
        out.put(e.getKey(), e.getValue());
      }
    }
    return out;
  }
}
