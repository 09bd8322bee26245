package dev.safedeploy.workflows.pipeline;

/**
 * Deterministic names of everything a run creates, derived from model and version only, so that a retried or replayed
 * activity finds (adopts) what an earlier attempt created instead of making a second one.
 */
public record ResourceNames(String model, String version) {

  public String trainingJob() {
    return model + "-" + version + "-train";
  }

  public String baselineJob() {
    return model + "-" + version + "-baseline";
  }

  /** The registered model (SageMaker Model) of this version. */
  public String modelName() {
    return model + "-" + version;
  }

  public String devEndpoint() {
    return model + DEV + version;
  }

  private static final String DEV = "-dev-";

  /**
   * The model and version whose {@link #devEndpoint()} is {@code endpoint} (its last "-dev-" splits them), or empty
   * when it is not a dev endpoint's name.
   */
  public static java.util.Optional<ResourceNames> ofDevEndpoint(String endpoint) {
    int at = endpoint.lastIndexOf(DEV);
    return at > 0 && at + DEV.length() < endpoint.length()
        ? java.util.Optional.of(new ResourceNames(endpoint.substring(0, at), endpoint.substring(at + DEV.length())))
        : java.util.Optional.empty();
  }

  /** One production endpoint per model; versions come and go as its variants. */
  public String prodEndpoint() {
    return model + "-prod";
  }

  /** The production variant that serves this version. */
  public String variant() {
    return version;
  }

  public String monitoringSchedule() {
    return model + "-" + version + "-drift";
  }
}
