package dev.safedeploy.activities.aws.sagemaker;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The prod-endpoint stack's parameters seen as two variant slots, A and B. A variant keeps its slot for its whole life,
 * so retiring one never moves the other between logical resources (which would replace its alarms and scaling).
 */
public final class ProdStackParameters {

  public static final String[] SLOTS = {"A", "B"};

  /** One occupied slot. */
  public record Slot(String slot, String variantName, String modelName, int weight, int instanceCount,
      boolean autoScaling) {}

  private final Map<String, String> params;

  public ProdStackParameters(Map<String, String> params) {
    this.params = new LinkedHashMap<>(params);
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
      p.put("Variant" + s + "Weight", "0");
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
    params.put("Variant" + s + "Weight", Integer.toString(slot.weight()));
    params.put("Variant" + s + "InstanceCount", Integer.toString(slot.instanceCount()));
    params.put("Variant" + s + "AutoScaling", Boolean.toString(slot.autoScaling()));
    return this;
  }

  public ProdStackParameters clear(String slot) {
    params.put("Variant" + slot + "Name", "");
    params.put("Variant" + slot + "ModelName", "");
    params.put("Variant" + slot + "Weight", "0");
    params.put("Variant" + slot + "AutoScaling", "true");
    return this;
  }

  /** Weights as they are now on the endpoint (traffic shifts happen outside CloudFormation). */
  public ProdStackParameters withWeights(Map<String, Integer> current) {
    for (Slot s : occupied()) {
      Integer w = current.get(s.variantName());
      if (w != null) {
        params.put("Variant" + s.slot() + "Weight", Integer.toString(w));
      }
    }
    return this;
  }

  public Map<String, String> asMap() {
    return new LinkedHashMap<>(params);
  }

  private Slot slot(String s) {
    return new Slot(s, params.get("Variant" + s + "Name"), params.getOrDefault("Variant" + s + "ModelName", ""),
        parse(params.get("Variant" + s + "Weight"), 0), parse(params.get("Variant" + s + "InstanceCount"), 2),
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
