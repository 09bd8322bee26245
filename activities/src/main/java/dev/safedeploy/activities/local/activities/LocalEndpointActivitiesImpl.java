package dev.safedeploy.activities.local.activities;

import dev.safedeploy.activities.local.LocalBackendConfig;
import dev.safedeploy.platform.api.DataCaptureConfig;
import dev.safedeploy.platform.api.Endpoint;
import dev.safedeploy.platform.api.ModelRecord;
import dev.safedeploy.platform.api.Variant;
import dev.safedeploy.platform.client.PlatformClient;
import dev.safedeploy.platform.client.PlatformClientException;
import dev.safedeploy.workflows.activities.EndpointActivities;
import dev.safedeploy.workflows.activities.Failures;
import dev.safedeploy.workflows.pipeline.ResourceNames;
import io.temporal.failure.ApplicationFailure;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Models and endpoints on the local platform. The platform starts model servers before it answers, so an endpoint
 * is InService (or Failed, with the reason) when a create returns; every answer is checked against what was asked.
 */
public class LocalEndpointActivitiesImpl implements EndpointActivities {
  private static final Logger log = LoggerFactory.getLogger(LocalEndpointActivitiesImpl.class);
  private final PlatformClient platform;
  private final LocalBackendConfig config;

  public LocalEndpointActivitiesImpl(PlatformClient platform, LocalBackendConfig config) {
    this.platform = platform;
    this.config = config;
  }

  @Override
  public String createModel(ModelSpec spec) {
    try {
      PlatformClient.Created<ModelRecord> c = platform.createModel(new ModelRecord(spec.modelName(),
          Adapters.path(spec.artifactUri(), "artifactUri").toString(), spec.model(), spec.version(),
          spec.validationRmse(), null));
      log.info("model {} {}", spec.modelName(), c.created() ? "created" : "adopted");
      return c.resource().name();
    } catch (PlatformClientException e) {
      if ("BadRequest".equals(e.type())) {
        throw ApplicationFailure.newNonRetryableFailure(e.getMessage(), Failures.MODEL_LOAD_FAILED);
      }
      throw Adapters.failure(e, Failures.NOT_FOUND);
    }
  }

  @Override
  public EndpointState deployEndpoint(EndpointSpec spec) {
    List<Variant> variants = spec.variants().stream().map(LocalEndpointActivitiesImpl::variant).toList();
    try {
      PlatformClient.Created<Endpoint> c = platform.createEndpoint(new Endpoint(spec.endpointName(), spec.model(),
          variants, spec.dataCapture() ? new DataCaptureConfig(true, config.capturePercent())
              : DataCaptureConfig.disabled(), null, null, null, null));
      Endpoint e = c.resource();
      log.info("endpoint {} {}: {}", e.name(), c.created() ? "created" : "adopted", e.status());
      return verified(e, spec.variants().stream().map(VariantSpec::variantName).toList());
    } catch (PlatformClientException e) {
      throw Adapters.failure(e, Failures.NOT_FOUND);
    }
  }

  @Override
  public ProductionState describeProduction(String model, String endpointName) {
    Endpoint e = platform.endpoint(endpointName);
    if (e == null) {
      return new ProductionState(endpointName, false, List.of(), null, null, null);
    }
    List<VariantState> states = states(e);
    Variant live = e.variants().stream().filter(v -> "InService".equals(v.status()))
        .max(Comparator.comparingInt(Variant::weight)).orElse(null);
    if (live == null) {
      return new ProductionState(endpointName, true, states, null, null, null);
    }
    ModelRecord m = modelOrNull(live.modelName());
    return new ProductionState(endpointName, true, states, m == null ? live.name() : m.version(), live.modelName(),
        m == null ? null : m.validationRmse());
  }

  @Override
  public EndpointState addVariant(VariantChange change) {
    Variant v = variant(change.variant());
    try {
      Endpoint existing = platform.endpoint(change.endpointName());
      Endpoint e;
      if (existing == null) {
        e = platform.createEndpoint(new Endpoint(change.endpointName(), change.model(), List.of(v),
            new DataCaptureConfig(true, config.capturePercent()), null, null, null, null)).resource();
      } else {
        e = platform.addVariant(change.endpointName(), v).resource();
      }
      return verified(e, List.of(v.name()));
    } catch (PlatformClientException e) {
      throw Adapters.failure(e, Failures.NOT_FOUND);
    }
  }

  @Override
  public EndpointState removeVariant(String endpointName, String variantName) {
    try {
      Endpoint e = platform.removeVariant(endpointName, variantName);
      if (e == null) {
        return new EndpointState(endpointName, "Deleted", List.of());
      }
      if (e.variant(variantName) != null) {
        throw ApplicationFailure.newNonRetryableFailure("variant " + variantName + " is still on endpoint "
            + endpointName + " after its removal", Failures.STATE_MISMATCH);
      }
      return new EndpointState(e.name(), e.status(), states(e));
    } catch (PlatformClientException e) {
      throw Adapters.failure(e, Failures.NOT_FOUND);
    }
  }

  /**
   * A version's dev endpoint ({@code <model>-dev-<version>}) takes the version's model with it unless production
   * serves it, as the AWS backend's dev stack does: a rolled-back version leaves no model behind, a promoted one keeps
   * it for production. Read from the name, so a retry after the endpoint went still deletes the model.
   */
  @Override
  public void deleteEndpoint(String endpointName) {
    try {
      platform.deleteEndpoint(endpointName);
    } catch (PlatformClientException e) {
      throw Adapters.failure(e, Failures.NOT_FOUND);
    }
    ResourceNames.ofDevEndpoint(endpointName).ifPresent(names ->
        deleteModel(new ModelRef(names.modelName(), names.model(), names.version())));
  }

  /**
   * Kept while the model's prod endpoint or the version's dev endpoint serves it; the platform itself refuses to delete
   * a model any endpoint serves (a Conflict), and that answer is the model kept too, not a failure.
   */
  @Override
  public ModelDeletion deleteModel(ModelRef ref) {
    var names = new ResourceNames(ref.model(), ref.version());
    for (String name : List.of(names.prodEndpoint(), names.devEndpoint())) {
      Endpoint e = platform.endpoint(name);
      if (e != null && e.variants().stream().anyMatch(v -> ref.modelName().equals(v.modelName()))) {
        log.info("model {} kept: endpoint {} serves it", ref.modelName(), name);
        return new ModelDeletion(ref.modelName(), false, name);
      }
    }
    try {
      platform.deleteModel(ref.modelName());
      log.info("model {} deleted", ref.modelName());
      return new ModelDeletion(ref.modelName(), true, null);
    } catch (PlatformClientException e) {
      if ("Conflict".equals(e.type())) {
        log.info("model {} kept: {}", ref.modelName(), e.getMessage());
        // another endpoint than the two asked about: the platform's refusal names it
        return new ModelDeletion(ref.modelName(), false, "another endpoint (" + e.getMessage() + ")");
      }
      throw Adapters.failure(e, Failures.NOT_FOUND);
    }
  }

  private EndpointState verified(Endpoint e, List<String> expectedVariants) {
    if ("Failed".equals(e.status())) {
      throw ApplicationFailure.newNonRetryableFailure("endpoint " + e.name() + " failed: " + e.failureReason(),
          Failures.MODEL_LOAD_FAILED);
    }
    if (!"InService".equals(e.status())) {
      throw ApplicationFailure.newNonRetryableFailure("endpoint " + e.name() + " is " + e.status()
          + ", not InService", Failures.STATE_MISMATCH);
    }
    for (String name : expectedVariants) {
      Variant v = e.variant(name);
      if (v == null || !"InService".equals(v.status())) {
        throw ApplicationFailure.newNonRetryableFailure("endpoint " + e.name() + ": variant " + name + " is "
            + (v == null ? "missing" : v.status() + " (" + v.failureReason() + ")"), Failures.STATE_MISMATCH);
      }
    }
    return new EndpointState(e.name(), e.status(), states(e));
  }

  private List<VariantState> states(Endpoint e) {
    List<VariantState> out = new ArrayList<>();
    for (Variant v : e.variants()) {
      ModelRecord m = modelOrNull(v.modelName());
      out.add(new VariantState(v.name(), v.modelName(), m == null ? null : m.version(), v.weight()));
    }
    return out;
  }

  private ModelRecord modelOrNull(String name) {
    try {
      return platform.model(name);
    } catch (PlatformClientException e) {
      if (e.notFound()) {
        return null;
      }
      throw e;
    }
  }

  private static Variant variant(VariantSpec s) {
    return new Variant(s.variantName(), s.modelName(), s.weight(), s.instanceCount(), s.instanceType(), null, null);
  }
}
