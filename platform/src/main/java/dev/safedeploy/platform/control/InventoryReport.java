package dev.safedeploy.platform.control;

import dev.safedeploy.platform.api.Endpoint;
import dev.safedeploy.platform.api.ProcessingJob;
import dev.safedeploy.platform.api.TrainingJob;
import dev.safedeploy.platform.api.Variant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * GET /inventory: per kind, the resources that exist and the create/adopt/delete counts of every name ever seen, so a
 * reliability run can assert "created once, nothing duplicated, nothing leaked".
 */
final class InventoryReport {
  private final PlatformState state;
  private final Jobs jobs;
  private final Models models;
  private final Endpoints endpoints;
  private final Alarms alarms;
  private final Monitoring monitoring;

  InventoryReport(PlatformState state, Jobs jobs, Models models, Endpoints endpoints, Alarms alarms,
      Monitoring monitoring) {
    this.state = state;
    this.jobs = jobs;
    this.models = models;
    this.endpoints = endpoints;
    this.alarms = alarms;
    this.monitoring = monitoring;
  }

  Map<String, Object> report() {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("trainingJobs", section(Jobs.TRAINING_JOBS, n -> {
      TrainingJob j = jobs.training.find(n);
      return j == null ? null : j.status().name();
    }));
    out.put("processingJobs", section(Jobs.PROCESSING_JOBS, n -> {
      ProcessingJob j = jobs.processing.find(n);
      return j == null ? null : j.status().name();
    }));
    out.put("models", section(Models.MODELS, n -> models.table.find(n) != null ? "Registered" : null));
    Map<String, Object> eps = section(Endpoints.ENDPOINTS, n -> {
      Endpoint e = endpoints.table.find(n);
      return e == null ? null : e.status();
    });
    @SuppressWarnings("unchecked")
    Map<String, Map<String, Object>> items = (Map<String, Map<String, Object>>) eps.get("items");
    Map<String, Inventory.Counts> variantCounts = state.inventory.of(Endpoints.VARIANTS);
    items.forEach((name, item) -> {
      Map<String, Object> vs = new TreeMap<>();
      Endpoint e = endpoints.table.find(name);
      variantCounts.forEach((key, c) -> {
        if (key.startsWith(name + "/")) {
          String v = key.substring(name.length() + 1);
          Variant live = e == null ? null : e.variant(v);
          Map<String, Object> vi = new LinkedHashMap<>();
          vi.put("exists", live != null);
          vi.put("model", live == null ? null : live.modelName());
          vi.put("weight", live == null ? null : live.weight());
          vi.put("created", c.created);
          vi.put("adopted", c.adopted);
          vi.put("deleted", c.deleted);
          vs.put(v, vi);
        }
      });
      item.put("variantCount", e == null ? 0 : e.variants().size());
      item.put("variants", vs);
    });
    out.put("endpoints", eps);
    out.put("alarms", section(Alarms.ALARMS, alarms::status));
    out.put("monitoringSchedules", section(Monitoring.SCHEDULES,
        n -> monitoring.table.find(n) == null ? null : "Scheduled"));
    out.put("corruptStateFiles", state.corruptReport());
    return out;
  }

  private Map<String, Object> section(String kind, Function<String, String> status) {
    Map<String, Object> items = new TreeMap<>();
    int count = 0;
    for (Map.Entry<String, Inventory.Counts> e : state.inventory.of(kind).entrySet()) {
      String s = status.apply(e.getKey());
      count += s == null ? 0 : 1;
      Map<String, Object> item = new LinkedHashMap<>();
      item.put("exists", s != null);
      item.put("status", s);
      item.put("created", e.getValue().created);
      item.put("adopted", e.getValue().adopted);
      item.put("deleted", e.getValue().deleted);
      items.put(e.getKey(), item);
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("count", count);
    out.put("items", items);
    return out;
  }
}
