package dev.safedeploy.platform.control;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/**
 * The adopt half of create-or-adopt: a create that finds its name taken adopts only the very resource it asks for. A
 * different spec under the same name (other data, hyperparameters or artifact: a version re-used for a new model) is
 * a 409 naming every difference, never a silent adoption of something else.
 */
final class SpecCheck {
  private final String label;
  private final String name;
  private final List<String> differences = new ArrayList<>();

  private SpecCheck(String label, String name) {
    this.label = label;
    this.name = name;
  }

  static SpecCheck of(String label, String name) {
    return new SpecCheck(label, name);
  }

  SpecCheck same(String field, Object existing, Object asked) {
    if (!Objects.equals(existing, asked)) {
      differences.add(field + " " + existing + " (asked: " + asked + ")");
    }
    return this;
  }

  SpecCheck sameMap(String field, Map<String, String> existing, Map<String, String> asked) {
    Map<String, String> e = existing == null ? Map.of() : existing;
    Map<String, String> a = asked == null ? Map.of() : asked;
    TreeSet<String> keys = new TreeSet<>(e.keySet());
    keys.addAll(a.keySet());
    for (String k : keys) {
      if (!Objects.equals(e.get(k), a.get(k))) {
        differences.add(field + "." + k + " " + e.get(k) + " (asked: " + a.get(k) + ")");
      }
    }
    return this;
  }

  void orConflict() {
    if (!differences.isEmpty()) {
      throw PlatformException.conflict(label + " " + name + " exists with a different spec: "
          + String.join("; ", differences) + ". A name is one spec forever: start the change as a new version");
    }
  }
}
