package dev.safedeploy.activities.aws.codedeploy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.safedeploy.activities.aws.AwsBackendConfig;
import dev.safedeploy.activities.aws.AwsBackendConfig.CodeDeployTarget;
import dev.safedeploy.activities.aws.AwsPolling;
import dev.safedeploy.activities.aws.AwsPolling.Poll;
import dev.safedeploy.activities.aws.traffic.WeightsTraffic;
import dev.safedeploy.workflows.activities.Failures;
import dev.safedeploy.workflows.activities.TrafficActivities.TrafficShift;
import dev.safedeploy.workflows.activities.TrafficActivities.TrafficState;
import dev.safedeploy.workflows.json.JsonMapping;
import io.temporal.failure.ApplicationFailure;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.codedeploy.CodeDeployClient;
import software.amazon.awssdk.services.codedeploy.model.DeploymentInfo;
import software.amazon.awssdk.services.codedeploy.model.DeploymentStatus;
import software.amazon.awssdk.services.codedeploy.model.RevisionLocationType;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.AliasConfiguration;
import software.amazon.awssdk.services.lambda.model.FunctionConfiguration;
import software.amazon.awssdk.services.lambda.model.LastUpdateStatus;
import software.amazon.awssdk.services.lambda.model.State;
import software.amazon.awssdk.services.sagemaker.SageMakerClient;

/**
 * The seed's way: the API's Lambda alias moves from the version serving the live variant to a version serving the
 * target variant through a CodeDeploy deployment (the group's canary config, e.g. Canary10Percent5Minutes). A Lambda
 * version serves the variant named by its environment variable {@value #TARGET_VARIANT_ENV}; the version for a variant
 * is published once, with description {@code safedeploy variant <name>}, and found again by that description.
 *
 * <p>Canary step (share below 100): create (or adopt the in-flight) deployment and confirm once the alias routes
 * part of its traffic to the target version. 100%: follow the deployment to Succeeded and check the alias points at
 * the target (no deployment in flight: one with CodeDeployDefault.LambdaAllAtOnce). Rollback (the share goes back to
 * the alias's own version): StopDeployment with auto-rollback, wait for the rollback deployment CodeDeploy starts,
 * then check the alias. The API handler must honour {@value #TARGET_VARIANT_ENV} (SageMaker TargetVariant) for the
 * split to reach the variants.
 *
 * <p>Every deployment's AppSpec names the stack's BeforeAllowTraffic and AfterAllowTraffic hooks (a deployment runs
 * only the hooks its AppSpec lists), and its target version is Active first (a SnapStart version is Pending until its
 * snapshot is ready; CodeDeploy cannot shift to it before). Once the alias is where the shift asked, the endpoint's
 * variant weights are set to the same split, so callers of the endpoint itself (and the post-traffic hook, which
 * invokes it as routed) see the promoted variant, and retiring blue never leaves a variant at weight 0 alone.
 */
public class CodeDeployTraffic {

  private static final Logger log = LoggerFactory.getLogger(CodeDeployTraffic.class);
  public static final String TARGET_VARIANT_ENV = "SAFEDEPLOY_TARGET_VARIANT";
  static final List<DeploymentStatus> ACTIVE =
      List.of(DeploymentStatus.CREATED, DeploymentStatus.QUEUED, DeploymentStatus.IN_PROGRESS, DeploymentStatus.READY);

  private static final ObjectMapper JSON = JsonMapping.mapper();

  private final CodeDeployClient codeDeploy;
  private final LambdaClient lambda;
  private final WeightsTraffic endpointWeights;
  private final CodeDeployTarget target;
  private final AwsBackendConfig config;

  public CodeDeployTraffic(CodeDeployClient codeDeploy, LambdaClient lambda, SageMakerClient sageMaker,
      AwsBackendConfig config) {
    this.codeDeploy = codeDeploy;
    this.lambda = lambda;
    this.endpointWeights = new WeightsTraffic(sageMaker, config);
    this.target = config.codeDeploy();
    this.config = config;
  }

  static String description(String variant) {
    return "safedeploy variant " + variant;
  }

  public TrafficState shift(TrafficShift shift) {
    dev.safedeploy.activities.aws.traffic.TrafficPlan.validate(shift);
    AliasConfiguration alias = alias();
    String aliasVersion = alias.functionVersion();
    String aliasVariant = variantOf(aliasVersion).orElse(null);
    // the variant gaining traffic: any named variant other than the alias's, unless the shift gives it everything back
    String goal = shift.weights().entrySet().stream()
        .filter(e -> e.getValue() > 0 && !e.getKey().equals(aliasVariant)).map(Map.Entry::getKey)
        .findFirst().orElse(aliasVariant);
    int goalPercent = goal == null ? 0 : shift.weights().getOrDefault(goal, 0);
    Optional<String> active = activeDeployment();

    if (goal == null || goal.equals(aliasVariant)) {
      // rollback (or nothing to do): stop what is in flight, CodeDeploy puts the alias back
      if (active.isPresent()) {
        rollBack(active.get(), shift.reason());
      }
      AliasConfiguration after = alias();
      if (after.routingConfig() != null && !after.routingConfig().additionalVersionWeights().isEmpty()) {
        throw ApplicationFailure.newNonRetryableFailure("alias " + target.alias() + " still routes "
            + after.routingConfig().additionalVersionWeights() + " after the rollback", Failures.STATE_MISMATCH);
      }
      endpointWeights.shift(shift);
      return state(shift, after);
    }

    String goalVersion = versionFor(goal);
    String deploymentId = active.orElseGet(() -> create(aliasVersion, goalVersion, goalPercent >= 100));
    if (goalPercent < 100) {
      AliasConfiguration routed = AwsPolling.until("canary of alias " + target.alias(), config, () -> {
        AliasConfiguration a = alias();
        if (goalVersion.equals(a.functionVersion()) || (a.routingConfig() != null
            && a.routingConfig().additionalVersionWeights().containsKey(goalVersion))) {
          return Poll.done(a);
        }
        DeploymentInfo info = deployment(deploymentId);
        if (!ACTIVE.contains(info.status())) {
          throw failed(info);
        }
        return Poll.waiting(info.statusAsString());
      });
      endpointWeights.shift(shift);
      return state(shift, routed);
    }
    DeploymentInfo info = follow(deploymentId);
    if (info.status() != DeploymentStatus.SUCCEEDED) {
      throw failed(info);
    }
    AliasConfiguration after = alias();
    if (!goalVersion.equals(after.functionVersion())) {
      throw ApplicationFailure.newNonRetryableFailure("deployment " + deploymentId + " succeeded but alias "
          + target.alias() + " points at version " + after.functionVersion() + ", not " + goalVersion,
          Failures.STATE_MISMATCH);
    }
    endpointWeights.shift(shift);
    return state(shift, after);
  }

  /**
   * Stops {@code id} with auto-rollback and waits for the rollback deployment CodeDeploy then creates to finish: the
   * alias moves back only when that one runs. A deployment stopped before any traffic moved gets no rollback
   * deployment; the alias routing nothing extra is then the end. A rollback deployment already in flight (CodeDeploy
   * reacting to its alarms) is followed, never stopped.
   */
  void rollBack(String id, String reason) {
    DeploymentInfo info = deployment(id);
    String rollbackId;
    if (info.rollbackInfo() != null && info.rollbackInfo().rollbackTriggeringDeploymentId() != null) {
      log.info("deployment {} is CodeDeploy's rollback of {}; following it", id,
          info.rollbackInfo().rollbackTriggeringDeploymentId());
      rollbackId = id;
    } else {
      codeDeploy.stopDeployment(b -> b.deploymentId(id).autoRollbackEnabled(true));
      log.info("stopped deployment {} with auto-rollback ({})", id, reason);
      DeploymentInfo stopped = follow(id);
      log.info("deployment {} ended {}", id, stopped.statusAsString());
      rollbackId = AwsPolling.until("rollback deployment of " + id, config, () -> {
        DeploymentInfo d = deployment(id);
        if (d.rollbackInfo() != null && d.rollbackInfo().rollbackDeploymentId() != null) {
          return Poll.done(d.rollbackInfo().rollbackDeploymentId());
        }
        AliasConfiguration a = alias();
        if (a.routingConfig() == null || a.routingConfig().additionalVersionWeights().isEmpty()) {
          return Poll.done(""); // nothing had moved: nothing to roll back
        }
        return Poll.waiting("alias still routes " + a.routingConfig().additionalVersionWeights());
      });
    }
    if (!rollbackId.isEmpty()) {
      DeploymentInfo done = follow(rollbackId);
      if (done.status() != DeploymentStatus.SUCCEEDED) {
        throw failed(done);
      }
      log.info("rollback deployment {} succeeded", rollbackId);
    }
  }

  /** The AppSpec of a Lambda deployment: the alias from one version to the other, with both lifecycle hooks. */
  String appSpec(String current, String goal) {
    ObjectNode spec = JSON.createObjectNode();
    spec.put("version", 0.0);
    ObjectNode props = spec.putArray("Resources").addObject().putObject(target.functionName())
        .put("Type", "AWS::Lambda::Function").putObject("Properties");
    props.put("Name", target.functionName()).put("Alias", target.alias()).put("CurrentVersion", current)
        .put("TargetVersion", goal);
    var hooks = spec.putArray("Hooks");
    hooks.addObject().put("BeforeAllowTraffic", target.preTrafficHook());
    hooks.addObject().put("AfterAllowTraffic", target.postTrafficHook());
    try {
      return JSON.writeValueAsString(spec);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private String create(String current, String goal, boolean allAtOnce) {
    String appSpec = appSpec(current, goal);
    String id = codeDeploy.createDeployment(b -> {
      b.applicationName(target.application()).deploymentGroupName(target.deploymentGroup())
          .description("safedeploy " + target.alias() + " " + current + " -> " + goal)
          .revision(r -> r.revisionType(RevisionLocationType.APP_SPEC_CONTENT)
              .appSpecContent(c -> c.content(appSpec)));
      if (allAtOnce) {
        b.deploymentConfigName("CodeDeployDefault.LambdaAllAtOnce");
      }
    }).deploymentId();
    log.info("created deployment {} of {}:{} {} -> {}", id, target.functionName(), target.alias(), current, goal);
    return id;
  }

  private Optional<String> activeDeployment() {
    List<String> ids = codeDeploy.listDeployments(b -> b.applicationName(target.application())
        .deploymentGroupName(target.deploymentGroup()).includeOnlyStatuses(ACTIVE)).deployments();
    return ids.isEmpty() ? Optional.empty() : Optional.of(ids.get(0));
  }

  private DeploymentInfo follow(String id) {
    return AwsPolling.until("deployment " + id, config, () -> {
      DeploymentInfo info = deployment(id);
      return ACTIVE.contains(info.status()) ? Poll.waiting(info.statusAsString()) : Poll.done(info);
    });
  }

  private DeploymentInfo deployment(String id) {
    return codeDeploy.getDeployment(b -> b.deploymentId(id)).deploymentInfo();
  }

  private static ApplicationFailure failed(DeploymentInfo info) {
    String why = info.errorInformation() == null ? "no error information"
        : info.errorInformation().codeAsString() + ": " + info.errorInformation().message();
    boolean rolledBack = info.rollbackInfo() != null && info.rollbackInfo().rollbackDeploymentId() != null;
    return ApplicationFailure.newNonRetryableFailure("deployment " + info.deploymentId() + " ended "
        + info.statusAsString() + (rolledBack ? " and was rolled back" : "") + ": " + why, Failures.STATE_MISMATCH);
  }

  private AliasConfiguration alias() {
    return toAlias(lambda.getAlias(b -> b.functionName(target.functionName()).name(target.alias())));
  }

  private static AliasConfiguration toAlias(software.amazon.awssdk.services.lambda.model.GetAliasResponse r) {
    return AliasConfiguration.builder().name(r.name()).functionVersion(r.functionVersion())
        .routingConfig(r.routingConfig()).build();
  }

  private Optional<String> variantOf(String version) {
    return versions().stream().filter(v -> version.equals(v.version())).findFirst()
        .map(FunctionConfiguration::description)
        .filter(d -> d != null && d.startsWith(description("")))
        .map(d -> d.substring(description("").length()));
  }

  private List<FunctionConfiguration> versions() {
    return lambda.listVersionsByFunctionPaginator(b -> b.functionName(target.functionName())).versions().stream()
        .toList();
  }

  /**
   * The published version serving {@code variant} (found by description, or configured and published now), once it
   * is Active.
   */
  String versionFor(String variant) {
    String version = publishedVersionFor(variant);
    awaitActive(version);
    return version;
  }

  /** A new version is Pending until Lambda has made it ready (with SnapStart: taken its snapshot). */
  private void awaitActive(String version) {
    AwsPolling.until("version " + version + " of " + target.functionName() + " Active", config, () -> {
      var c = lambda.getFunctionConfiguration(b -> b.functionName(target.functionName()).qualifier(version));
      if (c.state() == State.FAILED || c.state() == State.INACTIVE) {
        throw ApplicationFailure.newNonRetryableFailure("version " + version + " of " + target.functionName()
            + " is " + c.stateAsString() + ": " + c.stateReason(), Failures.INFRASTRUCTURE_FAILED);
      }
      return c.state() == State.ACTIVE ? Poll.done(c) : Poll.waiting(c.stateAsString() + " "
          + (c.stateReasonCode() == null ? "" : c.stateReasonCode()));
    });
  }

  private String publishedVersionFor(String variant) {
    Optional<String> existing = versions().stream().filter(v -> description(variant).equals(v.description()))
        .map(FunctionConfiguration::version).findFirst();
    if (existing.isPresent()) {
      return existing.get();
    }
    var latest = lambda.getFunctionConfiguration(b -> b.functionName(target.functionName()));
    Map<String, String> env = new HashMap<>(latest.environment() == null ? Map.of()
        : latest.environment().variables());
    env.put(TARGET_VARIANT_ENV, variant);
    lambda.updateFunctionConfiguration(b -> b.functionName(target.functionName()).environment(e -> e.variables(env)));
    AwsPolling.until("configuration of " + target.functionName(), config, () -> {
      var c = lambda.getFunctionConfiguration(b -> b.functionName(target.functionName()));
      if (c.lastUpdateStatus() == LastUpdateStatus.FAILED) {
        throw ApplicationFailure.newNonRetryableFailure("updating " + target.functionName() + " failed: "
            + c.lastUpdateStatusReason(), Failures.INFRASTRUCTURE_FAILED);
      }
      return c.lastUpdateStatus() == LastUpdateStatus.IN_PROGRESS ? Poll.waiting("InProgress") : Poll.done(c);
    });
    String version = lambda.publishVersion(b -> b.functionName(target.functionName())
        .description(description(variant))).version();
    log.info("published {} version {} for variant {}", target.functionName(), version, variant);
    return version;
  }

  private TrafficState state(TrafficShift shift, AliasConfiguration a) {
    Map<String, Integer> split = new LinkedHashMap<>();
    String main = variantOf(a.functionVersion()).orElse("version " + a.functionVersion());
    double extra = 0;
    if (a.routingConfig() != null) {
      for (Map.Entry<String, Double> e : a.routingConfig().additionalVersionWeights().entrySet()) {
        String v = variantOf(e.getKey()).orElse("version " + e.getKey());
        split.put(v, (int) Math.round(e.getValue() * 100));
        extra += e.getValue();
      }
    }
    split.put(main, (int) Math.round((1 - extra) * 100));
    return new TrafficState(shift.endpointName(), split, Instant.now());
  }
}
