package dev.safedeploy.workflows.activities;

import io.temporal.activity.ActivityInterface;
import java.util.List;

/**
 * Models, endpoints and their production variants. Every call returns once the backend reports the endpoint InService
 * in the requested shape (heartbeating while it waits), and verifies it: success is never reported for a state the
 * backend did not reach.
 */
@ActivityInterface
public interface EndpointActivities {

  /** A deployable model: the artifact plus its validation RMSE, kept as metadata for later quality gates. */
  record ModelSpec(String modelName, String model, String version, String artifactUri, double validationRmse) {}

  /** One production variant; weights are relative, the workflow uses percentages. */
  record VariantSpec(String variantName, String modelName, String version, int weight, int instanceCount,
      String instanceType) {}

  record EndpointSpec(String endpointName, String model, List<VariantSpec> variants, boolean dataCapture) {}

  record VariantChange(String endpointName, String model, VariantSpec variant) {}

  record VariantState(String variantName, String modelName, String version, int weight) {}

  record EndpointState(String endpointName, String status, List<VariantState> variants) {}

  /**
   * The model's production endpoint as it is now. {@code liveVersion} is the version of the variant with the most
   * traffic, {@code liveRmse} its recorded validation RMSE; both null when the endpoint does not exist.
   */
  record ProductionState(String endpointName, boolean exists, List<VariantState> variants, String liveVersion,
      String liveModelName, Double liveRmse) {}

  /** A registered model of {@code version} (whose dev endpoint, like production, may serve it). */
  record ModelRef(String modelName, String model, String version) {}

  /**
   * What {@link #deleteModel} did: {@code gone} when the model no longer exists (deleted now, or absent already);
   * otherwise {@code keptFor} names the endpoint that still serves it.
   */
  record ModelDeletion(String modelName, boolean gone, String keptFor) {}

  /** Registers the model; adopts an existing model of the same name. Returns the model name. */
  String createModel(ModelSpec spec);

  /** Creates the endpoint (or adopts it when it already has this shape) and waits until InService. */
  EndpointState deployEndpoint(EndpointSpec spec);

  ProductionState describeProduction(String model, String endpointName);

  /**
   * Adds (or adopts) a variant on the endpoint, creating the endpoint with data capture when it does not exist yet.
   * Existing variants keep their weights.
   */
  EndpointState addVariant(VariantChange change);

  /** Removes the variant; removing the last one deletes the endpoint. Absent variant: no-op. */
  EndpointState removeVariant(String endpointName, String variantName);

  /** Deletes the endpoint; an endpoint already gone is success. */
  void deleteEndpoint(String endpointName);

  /**
   * Deletes the registered model unless the model's production endpoint or the version's dev endpoint still serves it
   * (then it is kept, and the answer says for which). A model already gone is success.
   */
  ModelDeletion deleteModel(ModelRef ref);
}
