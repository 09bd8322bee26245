package dev.safedeploy.workflows.pipeline.dev;

import dev.safedeploy.workflows.activities.EndpointActivities;
import dev.safedeploy.workflows.activities.EndpointActivities.EndpointSpec;
import dev.safedeploy.workflows.activities.EndpointActivities.ModelSpec;
import dev.safedeploy.workflows.activities.EndpointActivities.VariantSpec;
import dev.safedeploy.workflows.activities.HookActivities;
import dev.safedeploy.workflows.activities.HookActivities.HookRequest;
import dev.safedeploy.workflows.activities.HookActivities.HookResult;
import dev.safedeploy.workflows.activities.TrainingActivities.TrainingResult;
import dev.safedeploy.workflows.pipeline.Abort;
import dev.safedeploy.workflows.pipeline.Interrupts;
import dev.safedeploy.workflows.pipeline.Outcome;
import dev.safedeploy.workflows.pipeline.PipelineRequest;
import dev.safedeploy.workflows.pipeline.ResourceNames;
import dev.safedeploy.workflows.pipeline.journal.StatusJournal;
import io.temporal.workflow.Saga;
import java.util.List;

/**
 * The dev deployment: the trained model registered, served on its own dev endpoint and smoke-tested there. The dev
 * endpoint lives until the version is promoted; a rollback removes it (its compensation is registered with it).
 */
public final class DevDeployment {

  /** The instance type of a dev endpoint. */
  public static final String INSTANCE_TYPE = "ml.t2.medium";

  private static final int SAMPLE_ROWS = 20;

  private final PipelineRequest request;
  private final ResourceNames names;
  private final StatusJournal journal;
  private final Interrupts interrupts;
  private final Saga saga;
  private final EndpointActivities endpoints;
  private final HookActivities hooks;

  private boolean created;
  private boolean retired;
  private String endpoint;
  private String modelName;

  public DevDeployment(PipelineRequest request, StatusJournal journal, Interrupts interrupts, Saga saga,
      EndpointActivities endpoints, HookActivities hooks) {
    this.request = request;
    this.names = request.names();
    this.journal = journal;
    this.interrupts = interrupts;
    this.saga = saga;
    this.endpoints = endpoints;
    this.hooks = hooks;
  }

  /** Registers the model, deploys it to dev and smoke-tests it there; the smoke test failing ends the run. */
  public HookResult deploy(TrainingResult trained) {
    modelName = endpoints.createModel(new ModelSpec(names.modelName(), request.model(), request.version(),
        trained.artifactUri(), trained.validationRmse()));
    created = true;
    saga.addCompensation(this::delete);
    endpoint = names.devEndpoint();
    interrupts.interruptible(() -> endpoints.deployEndpoint(new EndpointSpec(names.devEndpoint(), request.model(),
        List.of(new VariantSpec(names.variant(), modelName, request.version(), 1, 1, INSTANCE_TYPE)), false)));
    HookResult smoke = interrupts.interruptible(() -> hooks.smokeTest(new HookRequest(names.devEndpoint(), null,
        request.data().test(), SAMPLE_ROWS, request.policy().maxHookLatencyMillis())));
    if (!smoke.passed()) {
      throw new Abort(Outcome.FAILED, "smoke test on " + names.devEndpoint() + " failed: " + smoke.reason());
    }
    return smoke;
  }

  /** The registered model of this version, for production to serve. */
  public String modelName() {
    return modelName;
  }

  /** The dev endpoint while it exists, for the status (null before it is deployed and once it is deleted). */
  public String endpoint() {
    return endpoint;
  }

  /** The version is live: its dev endpoint is no longer needed. */
  public void retire() {
    endpoints.deleteEndpoint(names.devEndpoint());
    created = false;
    retired = true;
    endpoint = null;
  }

  /** Whether the version was promoted and its dev endpoint deleted: production alone served its model since. */
  public boolean retired() {
    return retired;
  }

  /** Compensation: the dev endpoint goes with the rolled-back version (a failure is only noted). */
  public void delete() {
    if (created) {
      journal.quietly(() -> endpoints.deleteEndpoint(names.devEndpoint()), "delete dev endpoint");
      journal.event("dev endpoint " + names.devEndpoint() + " deleted");
      endpoint = null;
    }
  }
}
