package dev.safedeploy.workflows.pipeline.canary;

import dev.safedeploy.workflows.activities.EndpointActivities.EndpointState;
import dev.safedeploy.workflows.activities.EndpointActivities.ProductionState;
import dev.safedeploy.workflows.activities.EndpointActivities.VariantState;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Production as this run knows it: blue, green, every variant the endpoint has and their weights as the backend last
 * reported them. The canary moves it forward, the rollback puts it back; the status shows it.
 */
public final class Production {

  /** The instance type of every production variant. */
  public static final String INSTANCE_TYPE = "ml.m5.large";

  private final String green;
  private String blueVersion;
  private String blueModelName;
  private String liveVersion;
  private int trafficStep;
  private List<Integer> trafficSteps = List.of();
  // The weights of the last shift: what a rollback's first round plans from.
  private Map<String, Integer> weights = Map.of();
  // The weights the backend last reported, whatever reported them (a shift, a variant change, a describe): the status.
  private Map<String, Integer> reported = Map.of();
  // Every variant the production endpoint has, as the backend last reported it: a shift names them all.
  private List<String> variants = List.of();
  // What exists that a rollback must undo.
  private boolean greenAdded;
  private boolean blueRetired;
  /** When the canary's first shift took effect (the backend's clock): alarm-to-blue counts from here at most. */
  private Instant canaryStartedAt;

  /** {@code green} is this run's variant. */
  public Production(String green) {
    this.green = green;
  }

  /** Blue is what serves now unless it is this very version (a first deployment has none). */
  void readBlue(ProductionState prod, String version) {
    boolean hasBlue = prod.exists() && prod.liveVersion() != null && !prod.liveVersion().equals(version);
    blueVersion = hasBlue ? prod.liveVersion() : null;
    blueModelName = hasBlue ? prod.liveModelName() : null;
    variants(prod.variants());
  }

  /** Status shows the weights the backend reports after a variant change, not what the workflow assumes. */
  public void observe(EndpointState state) {
    variants(state.variants());
    weights = reported;
  }

  /** Names every other variant of the endpoint at 0%, so that the weights of a shift always add up to 100. */
  public void wholeSet(Map<String, Integer> target) {
    for (String v : variants) {
      target.putIfAbsent(v, 0);
    }
  }

  /** The production variants as the backend last reported them to this run (weights from the last shift). */
  public List<VariantState> knownVariants() {
    return variants.stream().map(v -> new VariantState(v, null, v, weights.getOrDefault(v, 0))).toList();
  }

  public static List<String> variantNames(List<VariantState> variants) {
    return variants == null ? List.of() : variants.stream().map(VariantState::variantName).toList();
  }

  public String green() {
    return green;
  }

  public String blueVersion() {
    return blueVersion;
  }

  public String blueModelName() {
    return blueModelName;
  }

  public String liveVersion() {
    return liveVersion;
  }

  public void liveVersion(String version) {
    liveVersion = version;
  }

  public int trafficStep() {
    return trafficStep;
  }

  void trafficStep(int step) {
    trafficStep = step;
  }

  public List<Integer> trafficSteps() {
    return trafficSteps;
  }

  void trafficSteps(List<Integer> steps) {
    trafficSteps = steps;
  }

  public Map<String, Integer> weights() {
    return weights;
  }

  public void weights(Map<String, Integer> confirmed) {
    weights = confirmed;
    reported = confirmed;
  }

  /**
   * Production's weights as the backend last reported them to this run, also before the first shift and after a
   * failure (what the status shows, never an assumption); empty before the run looked at production.
   */
  public Map<String, Integer> traffic() {
    return reported;
  }

  public List<String> variants() {
    return variants;
  }

  public void variants(List<VariantState> state) {
    variants = variantNames(state);
    Map<String, Integer> seen = new LinkedHashMap<>();
    if (state != null) {
      state.forEach(v -> seen.put(v.variantName(), v.weight()));
    }
    reported = seen;
  }

  public boolean greenAdded() {
    return greenAdded;
  }

  public void greenAdded(boolean added) {
    greenAdded = added;
  }

  public boolean blueRetired() {
    return blueRetired;
  }

  void blueRetired(boolean retired) {
    blueRetired = retired;
  }

  public Instant canaryStartedAt() {
    return canaryStartedAt;
  }

  void canaryStarted(Instant at) {
    if (canaryStartedAt == null) {
      canaryStartedAt = at;
    }
  }
}
