package dev.safedeploy.workflows.pipeline.rollback;

import dev.safedeploy.workflows.activities.EndpointActivities.VariantState;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One round of a rollback, planned from production as the backend reports it now (not as the run remembers it): which
 * version gets 100%, the whole-set weights that put it there, and whether green is still to be removed.
 *
 * @param target the version to serve: blue when it is on the endpoint, else the surviving variant (not green) with
 *     the most traffic; null when nothing but green is left (removing green then removes the endpoint)
 * @param weights the shift to make, naming every variant (others 0); empty when traffic is already where it belongs
 */
record RestorePlan(String target, Map<String, Integer> weights, boolean greenPresent) {

  static RestorePlan of(List<VariantState> variants, String blue, String green) {
    List<VariantState> all = variants == null ? List.of() : variants;
    boolean greenPresent = all.stream().anyMatch(v -> v.variantName().equals(green));
    String target = null;
    int best = -1;
    for (VariantState v : all) {
      if (v.variantName().equals(blue)) {
        target = blue;
        break;
      }
      if (!v.variantName().equals(green) && v.weight() > best) {
        target = v.variantName();
        best = v.weight();
      }
    }
    Map<String, Integer> weights = new LinkedHashMap<>();
    if (target != null) {
      String t = target;
      boolean alreadyThere = all.stream().allMatch(v -> v.weight() == (v.variantName().equals(t) ? 100 : 0));
      if (!alreadyThere) {
        weights.put(target, 100);
        if (greenPresent) {
          weights.put(green, 0);
        }
        all.forEach(v -> weights.putIfAbsent(v.variantName(), 0));
      }
    }
    return new RestorePlan(target, weights, greenPresent);
  }

  static boolean has(List<VariantState> variants, String name) {
    return variants != null && variants.stream().anyMatch(v -> v.variantName().equals(name));
  }
}
