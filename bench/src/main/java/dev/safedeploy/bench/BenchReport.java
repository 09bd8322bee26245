package dev.safedeploy.bench;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.safedeploy.workflows.json.JsonMapping;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one benchmark measured: named figures in print order, plus notes (what could not be measured and why). Printed
 * as a two-column table, or as one JSON line for scripts and BENCHMARKS.md.
 */
public final class BenchReport {

  private static final ObjectMapper JSON = JsonMapping.mapper();

  private final String name;
  private final Map<String, Object> figures = new LinkedHashMap<>();
  private final List<String> notes = new ArrayList<>();

  public BenchReport(String name) {
    this.name = name;
  }

  public BenchReport put(String figure, Object value) {
    figures.put(figure, value instanceof Double d ? Math.round(d * 1000.0) / 1000.0 : value);
    return this;
  }

  public BenchReport note(String text) {
    notes.add(text);
    return this;
  }

  public String name() {
    return name;
  }

  public Map<String, Object> figures() {
    return figures;
  }

  public List<String> notes() {
    return notes;
  }

  public Object get(String figure) {
    return figures.get(figure);
  }

  public String table() {
    int width = figures.keySet().stream().mapToInt(String::length).max().orElse(6);
    StringBuilder out = new StringBuilder("bench ").append(name).append('\n');
    figures.forEach((k, v) -> out.append("  ").append(String.format("%-" + width + "s", k)).append("  ")
        .append(v).append('\n'));
    notes.forEach(n -> out.append("  note: ").append(n).append('\n'));
    return out.toString();
  }

  public String json() {
    Map<String, Object> all = new LinkedHashMap<>();
    all.put("bench", name);
    all.putAll(figures);
    if (!notes.isEmpty()) {
      all.put("notes", notes);
    }
    try {
      return JSON.writeValueAsString(all);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write the report of bench " + name, e);
    }
  }
}
