package dev.safedeploy.bench.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.safedeploy.platform.control.LocalPlatform;
import dev.safedeploy.workflows.pipeline.ResourceNames;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Reads the platform's inventory (what exists, and how often each name was created, adopted, deleted). */
final class PlatformInventory {

  private final Map<String, Object> inventory;

  private PlatformInventory(Map<String, Object> inventory) {
    this.inventory = inventory;
  }

  static PlatformInventory of(LocalPlatform platform) {
    return new PlatformInventory(platform.inventory());
  }

  @SuppressWarnings("unchecked")
  Map<String, Map<String, Object>> items(String kind) {
    Map<String, Object> section = (Map<String, Object>) inventory.get(kind);
    return (Map<String, Map<String, Object>>) section.get("items");
  }

  Map<String, Object> item(String kind, String name) {
    Map<String, Object> item = items(kind).get(name);
    assertThat(item).as("%s %s in the inventory %s", kind, name, items(kind).keySet()).isNotNull();
    return item;
  }

  @SuppressWarnings("unchecked")
  Map<String, Object> variant(String endpoint, String variant) {
    Map<String, Object> variants = (Map<String, Object>) item("endpoints", endpoint).get("variants");
    Map<String, Object> v = (Map<String, Object>) variants.get(variant);
    assertThat(v).as("variant %s of %s in %s", variant, endpoint, variants.keySet()).isNotNull();
    return v;
  }

  /** Every name of every kind made for the model's version, e.g. to prove nothing was made twice under another name. */
  List<String> namesMentioning(String model, String version) {
    List<String> out = new ArrayList<>();
    for (String kind : List.of("trainingJobs", "processingJobs", "models", "endpoints")) {
      items(kind).keySet().stream().filter(n -> n.startsWith(model + "-") && n.contains("-" + version))
          .forEach(n -> out.add(kind + "/" + n));
    }
    return out;
  }

  /**
   * Exactly one training job, baseline job, model, dev endpoint and green variant for the version, each created once
   * (adoptions after a retry are fine); the dev endpoint deleted; nothing else with the version's name.
   */
  void assertExactlyOnce(ResourceNames names, boolean greenServes) {
    assertCreatedOnce("trainingJobs", names.trainingJob());
    assertCreatedOnce("processingJobs", names.baselineJob());
    assertCreatedOnce("models", names.modelName());
    Map<String, Object> dev = assertCreatedOnce("endpoints", names.devEndpoint());
    assertThat(dev.get("exists")).as("dev endpoint %s deleted at the end", names.devEndpoint()).isEqualTo(false);
    Map<String, Object> green = variant(names.prodEndpoint(), names.variant());
    assertThat(green.get("created")).as("green variant %s created", names.variant()).isEqualTo(1);
    assertThat(green.get("exists")).as("green variant %s exists", names.variant()).isEqualTo(greenServes);
    assertThat(namesMentioning(names.model(), names.version())).containsExactlyInAnyOrder(
        "trainingJobs/" + names.trainingJob(), "processingJobs/" + names.baselineJob(),
        "models/" + names.modelName(), "endpoints/" + names.devEndpoint());
  }

  private Map<String, Object> assertCreatedOnce(String kind, String name) {
    Map<String, Object> item = item(kind, name);
    assertThat(item.get("created")).as("%s %s created (item %s)", kind, name, item).isEqualTo(1);
    return item;
  }

  @Override
  public String toString() {
    return inventory.toString();
  }
}
