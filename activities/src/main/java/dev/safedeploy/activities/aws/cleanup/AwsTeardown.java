package dev.safedeploy.activities.aws.cleanup;

import dev.safedeploy.activities.aws.AwsBackendConfig;
import dev.safedeploy.activities.aws.AwsClients;
import dev.safedeploy.activities.aws.cloudformation.StackDeployer;
import dev.safedeploy.activities.aws.sagemaker.AwsEndpointActivitiesImpl;
import dev.safedeploy.activities.aws.sagemaker.SageMakerErrors;
import dev.safedeploy.workflows.pipeline.ResourceNames;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.services.cloudformation.model.Stack;
import software.amazon.awssdk.services.cloudformation.model.StackStatus;
import software.amazon.awssdk.services.cloudwatch.model.MetricAlarm;
import software.amazon.awssdk.services.kms.model.KeyListEntry;
import software.amazon.awssdk.services.kms.model.KeyManagerType;
import software.amazon.awssdk.services.kms.model.KeyMetadata;
import software.amazon.awssdk.services.kms.model.KeyState;
import software.amazon.awssdk.services.kms.model.KmsException;
import software.amazon.awssdk.services.kms.model.KmsInvalidStateException;
import software.amazon.awssdk.services.kms.model.NotFoundException;
import software.amazon.awssdk.services.sagemaker.model.EndpointConfigSummary;
import software.amazon.awssdk.services.sagemaker.model.EndpointSummary;
import software.amazon.awssdk.services.sagemaker.model.ModelSummary;
import software.amazon.awssdk.services.sagemaker.model.SageMakerException;

/**
 * Everything one model left on AWS, found by the names safedeploy gives it and confirmed by its
 * {@code safedeploy:model} tag (so model {@code taxi} never takes {@code taxi-x}'s resources): the dev, prod and
 * monitoring stacks, endpoints, endpoint configs and SageMaker models outside them (retired versions keep their model,
 * and so does a version rolled back after its promotion), and the worker-made alarms of the prod endpoint. {@link #plan} only looks; {@link #apply} deletes. The
 * capture keys the prod stack retains on purpose (captured data in S3 stays encrypted with them) are listed, not
 * deleted: scheduling their deletion is the operator's call. S3 objects (data, artifacts, capture) are not touched.
 */
public final class AwsTeardown {

  /** What would go, by kind, in the order {@link #apply} deletes it. */
  public record Plan(String model, List<String> stacks, List<String> endpoints, List<String> endpointConfigs,
      List<String> models, List<String> alarms, List<String> retainedKeys) {

    /** Nothing to delete; retained keys do not count (they go only when asked, see {@link #apply(Plan, Integer)}). */
    public boolean isEmpty() {
      return stacks.isEmpty() && endpoints.isEmpty() && endpointConfigs.isEmpty() && models.isEmpty()
          && alarms.isEmpty();
    }

    public List<String> lines() {
      List<String> out = new ArrayList<>();
      stacks.forEach(s -> out.add("stack " + s));
      endpoints.forEach(s -> out.add("endpoint " + s));
      endpointConfigs.forEach(s -> out.add("endpoint config " + s));
      models.forEach(s -> out.add("model " + s));
      alarms.forEach(s -> out.add("alarm " + s));
      return out;
    }
  }

  private final AwsClients clients;
  private final StackDeployer stacks;

  public AwsTeardown(AwsClients clients, AwsBackendConfig config) {
    this.clients = clients;
    this.stacks = new StackDeployer(clients.cloudFormation(), config);
  }

  public Plan plan(String model) {
    if (model == null || !model.matches("[a-z0-9](-*[a-z0-9])*")) {
      throw new IllegalArgumentException("not a model name: '" + model + "'");
    }
    ResourceNames any = new ResourceNames(model, "x");
    String prod = any.prodEndpoint();
    String devPrefix = model + "-dev-";
    List<String> stackNames = new ArrayList<>();
    List<String> keys = new ArrayList<>();
    // monitoring first: it watches the prod endpoint
    // ListStacks (any resource) to find the names, DescribeStacks on safedeploy-* only (the worker role's grant)
    for (var summary : clients.cloudFormation().listStacksPaginator(b -> { }).stackSummaries()) {
      String name = summary.stackName();
      if (summary.stackStatus() == StackStatus.DELETE_COMPLETE || !name.startsWith("safedeploy-" + model + "-")) {
        continue;
      }
      Optional<Stack> found = stacks.describe(name);
      if (found.isEmpty() || !taggedCfn(found.get(), model)) {
        continue;
      }
      Stack s = found.get();
      if (name.equals(AwsEndpointActivitiesImpl.stackName(prod) + "-monitoring")) {
        stackNames.add(0, name);
      } else if (name.equals(AwsEndpointActivitiesImpl.stackName(prod))
          || name.startsWith(AwsEndpointActivitiesImpl.stackName(devPrefix))) {
        stackNames.add(name);
        s.outputs().stream().filter(o -> "CaptureKeyArn".equals(o.outputKey())).forEach(o -> keys.add(o.outputValue()));
      }
    }
    // keys the stack retained when it was deleted earlier (a rolled-back or torn-down prod stack): by description
    for (String arn : retainedCaptureKeys(prod)) {
      if (!keys.contains(arn)) {
        keys.add(arn);
      }
    }
    // what the stacks own goes with them; only what is outside them is listed on its own
    java.util.Set<String> stackOwned = new java.util.HashSet<>();
    for (String name : stackNames) {
      clients.cloudFormation().describeStackResources(b -> b.stackName(name)).stackResources()
          .forEach(r -> stackOwned.add(r.physicalResourceId() == null ? "" : r.physicalResourceId()
              .substring(r.physicalResourceId().lastIndexOf('/') + 1)));
    }
    List<String> endpoints = new ArrayList<>();
    for (EndpointSummary e : clients.sageMaker().listEndpointsPaginator(b -> b.nameContains(model)).endpoints()) {
      String n = e.endpointName();
      if ((n.equals(prod) || n.startsWith(devPrefix)) && !stackOwned.contains(n) && tagged(e.endpointArn(), model)) {
        endpoints.add(n);
      }
    }
    // CloudFormation names endpoint configs after the logical id, not the model: every one is checked by its tag
    List<String> configs = new ArrayList<>();
    for (EndpointConfigSummary c : clients.sageMaker().listEndpointConfigsPaginator(b -> { }).endpointConfigs()) {
      if (!stackOwned.contains(c.endpointConfigName()) && tagged(c.endpointConfigArn(), model)) {
        configs.add(c.endpointConfigName());
      }
    }
    List<String> models = new ArrayList<>();
    for (ModelSummary m : clients.sageMaker().listModelsPaginator(b -> b.nameContains(model)).models()) {
      if (m.modelName().startsWith(model + "-") && tagged(m.modelArn(), model)) {
        models.add(m.modelName());
      }
    }
    List<String> alarms = new ArrayList<>();
    for (MetricAlarm a : clients.cloudWatch().describeAlarmsPaginator(b -> b.alarmNamePrefix(prod + "-"))
        .metricAlarms()) {
      alarms.add(a.alarmName());
    }
    return new Plan(model, stackNames, endpoints, configs, models, alarms, keys);
  }

  /** The most keys a plan looks at: teardown is for one model, not an audit of the account's keys. */
  static final int MAX_KEYS_EXAMINED = 2_000;

  /** How prod-endpoint.yml describes its capture key (its keys carry no tags; their description names the endpoint). */
  public static String captureKeyDescription(String endpoint) {
    return "safedeploy data capture and endpoint storage for " + endpoint;
  }

  /** Customer keys of this endpoint's data capture that are not already pending deletion. */
  private List<String> retainedCaptureKeys(String endpoint) {
    String description = captureKeyDescription(endpoint);
    List<String> found = new ArrayList<>();
    int examined = 0;
    for (KeyListEntry k : clients.kms().listKeysPaginator(b -> { }).keys()) {
      if (++examined > MAX_KEYS_EXAMINED) {
        break;
      }
      KeyMetadata m;
      try {
        m = clients.kms().describeKey(b -> b.keyId(k.keyArn())).keyMetadata();
      } catch (KmsException e) {
        continue; // deleted meanwhile, or another team's key we may not describe
      }
      if (description.equals(m.description()) && m.keyManager() == KeyManagerType.CUSTOMER
          && m.keyState() != KeyState.PENDING_DELETION && m.keyState() != KeyState.PENDING_REPLICA_DELETION) {
        found.add(m.arn());
      }
    }
    return found;
  }

  /** Deletes what the plan lists (stacks first, each waited on); what is already gone is skipped. Keys stay. */
  public void apply(Plan plan) {
    apply(plan, null);
  }

  /**
   * As {@link #apply(Plan)}, and when {@code keyDeletionDays} is set, schedules the retained keys for deletion after
   * that many days (7-30, KMS's pending window; {@code aws kms cancel-key-deletion} undoes it until then). Captured
   * data in S3 encrypted with them cannot be read once they are gone.
   */
  public void apply(Plan plan, Integer keyDeletionDays) {
    if (keyDeletionDays != null && (keyDeletionDays < 7 || keyDeletionDays > 30)) {
      throw new IllegalArgumentException("key deletion window must be 7 to 30 days, got " + keyDeletionDays);
    }
    plan.stacks().forEach(stacks::delete);
    for (String e : plan.endpoints()) {
      ignoreMissing(() -> clients.sageMaker().deleteEndpoint(b -> b.endpointName(e)));
    }
    for (String c : plan.endpointConfigs()) {
      ignoreMissing(() -> clients.sageMaker().deleteEndpointConfig(b -> b.endpointConfigName(c)));
    }
    for (String m : plan.models()) {
      ignoreMissing(() -> clients.sageMaker().deleteModel(b -> b.modelName(m)));
    }
    for (int i = 0; i < plan.alarms().size(); i += 100) {
      List<String> batch = plan.alarms().subList(i, Math.min(plan.alarms().size(), i + 100));
      clients.cloudWatch().deleteAlarms(b -> b.alarmNames(batch));
    }
    if (keyDeletionDays != null) {
      for (String k : plan.retainedKeys()) {
        try {
          // by key id: KMS takes the id or the ARN of a key in this account and region (moto only the id)
          String id = k.substring(k.lastIndexOf('/') + 1);
          clients.kms().scheduleKeyDeletion(b -> b.keyId(id).pendingWindowInDays(keyDeletionDays));
        } catch (NotFoundException e) {
          // gone already
        } catch (KmsInvalidStateException e) {
          // already pending deletion
        }
      }
    }
  }

  private static boolean taggedCfn(Stack s, String model) {
    return s.tags().stream().anyMatch(t -> AwsEndpointActivitiesImpl.TAG_MODEL.equals(t.key())
        && model.equals(t.value()));
  }

  private boolean tagged(String arn, String model) {
    try {
      return clients.sageMaker().listTags(b -> b.resourceArn(arn)).tags().stream()
          .anyMatch(t -> AwsEndpointActivitiesImpl.TAG_MODEL.equals(t.key()) && model.equals(t.value()));
    } catch (SageMakerException e) {
      if (SageMakerErrors.isNotFound(e)) {
        return false;
      }
      throw e;
    }
  }

  private static void ignoreMissing(Runnable delete) {
    try {
      delete.run();
    } catch (SageMakerException e) {
      if (!SageMakerErrors.isNotFound(e)) {
        throw e;
      }
    }
  }
}
