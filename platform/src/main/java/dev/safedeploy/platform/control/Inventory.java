package dev.safedeploy.platform.control;

import java.util.Map;
import java.util.TreeMap;

/**
 * How many times each resource was created, adopted (a create that found it existing) and deleted, per kind and name,
 * kept across restarts so a reliability run can assert "created once, nothing duplicated, nothing leaked".
 */
public final class Inventory {

  /** Counters of one resource. */
  public static final class Counts {
    public int created;
    public int adopted;
    public int deleted;
  }

  /** kind -> name -> counts; public for Jackson. */
  public Map<String, Map<String, Counts>> kinds = new TreeMap<>();

  synchronized Counts counts(String kind, String name) {
    return kinds.computeIfAbsent(kind, k -> new TreeMap<>()).computeIfAbsent(name, n -> new Counts());
  }

  synchronized void created(String kind, String name) {
    counts(kind, name).created++;
  }

  synchronized void adopted(String kind, String name) {
    counts(kind, name).adopted++;
  }

  synchronized void deleted(String kind, String name) {
    counts(kind, name).deleted++;
  }

  synchronized Map<String, Counts> of(String kind) {
    return new TreeMap<>(kinds.getOrDefault(kind, Map.of()));
  }
}
