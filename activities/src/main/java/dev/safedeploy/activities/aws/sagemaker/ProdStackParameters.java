package dev.safedeploy.activities.aws.sagemaker;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The prod-endpoint stack's parameters seen as two variant slots, A and B. A variant keeps its slot for its whole life,
 * so retiring one never moves the other between logical resources (which would replace its alarms and scaling).
 * Live weights are not parameters: traffic moves through UpdateEndpointWeightsAndCapacities and the endpoint keeps
 * them across config updates (RetainAllVariantProperties). A slot's entry weight is what its variant enters with.
 */
public final class ProdStackParameters {

  public static final String[] SLOTS = {"A", "B"};

  /** One occupied slot. */
  /** @param entryWeight the weight the variant enters with beside another one; never rewritten by a shift */
  public record Slot(String slot, String variantName, String modelName, int entryWeight, int instanceCount,
      boolean autoScaling) {}

  private final Map<String, String> params;

  public ProdStackParameters(Map<String, String> params) {
    this.params = new LinkedHashMap<>(params);
    for (String s : SLOTS) {
      // stacks made before weights left the template carried the live weight as Variant<S>Weight
      String legacy = this.params.remove("Variant" + s + "Weight");
      if (legacy != null) {
        this.params.putIfAbsent("Variant" + s + "EntryWeight", legacy);
      }
    }
  }

  public static ProdStackParameters initial(String model, String endpointName, String instanceType,
      String captureUri) {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("ModelName", model);
    p.put("EndpointName", endpointName);
    p.put("InstanceType", instanceType);
    p.put("DataCaptureS3Uri", captureUri);
    for (String s : SLOTS) {
      p.put("Variant" + s + "Name", "");
      p.put("Variant" + s + "ModelName", "");
      p.put("Variant" + s + "EntryWeight", "0");
      p.put("Variant" + s + "InstanceCount", "2");
      p.put("Variant" + s + "AutoScaling", "true");
    }
    return new ProdStackParameters(p);
  }

  public Optional<Slot> slotOf(String variantName) {
    for (String s : SLOTS) {
      if (variantName.equals(params.getOrDefault("Variant" + s + "Name", ""))) {
        return Optional.of(slot(s));
      }
    }
    return Optional.empty();
  }

  public Optional<String> freeSlot() {
    for (String s : SLOTS) {
      if (params.getOrDefault("Variant" + s + "Name", "").isEmpty()) {
        return Optional.of(s);
      }
    }
    return Optional.empty();
  }

  public java.util.List<Slot> occupied() {
    java.util.List<Slot> out = new java.util.ArrayList<>();
    for (String s : SLOTS) {
      if (!params.getOrDefault("Variant" + s + "Name", "").isEmpty()) {
        out.add(slot(s));
      }
    }
    return out;
  }

  public ProdStackParameters put(Slot slot) {
    String s = slot.slot();
    params.put("Variant" + s + "Name", slot.variantName());
    params.put("Variant" + s + "ModelName", slot.modelName());
    params.put("Variant" + s + "EntryWeight", Integer.toString(slot.entryWeight()));
    params.put("Variant" + s + "InstanceCount", Integer.toString(slot.instanceCount()));
    params.put("Variant" + s + "AutoScaling", Boolean.toString(slot.autoScaling()));
    return this;
  }

  public ProdStackParameters clear(String slot) {
    params.put("Variant" + slot + "Name", "");
    params.put("Variant" + slot + "ModelName", "");
    params.put("Variant" + slot + "EntryWeight", "0");
    params.put("Variant" + slot + "AutoScaling", "true");
    return this;
  }

  public Map<String, String> asMap() {
    return new LinkedHashMap<>(params);
  }

  private Slot slot(String s) {
    return new Slot(s, params.get("Variant" + s + "Name"), params.getOrDefault("Variant" + s + "ModelName", ""),
        parse(params.get("Variant" + s + "EntryWeight"), 0), parse(params.get("Variant" + s + "InstanceCount"), 2),
        !"false".equals(params.get("Variant" + s + "AutoScaling")));
  }

  private static int parse(String s, int fallback) {
    try {
      return s == null || s.isBlank() ? fallback : (int) Math.round(Double.parseDouble(s));
    } catch (NumberFormatException e) {
      return fallback;
    }
  }
}
