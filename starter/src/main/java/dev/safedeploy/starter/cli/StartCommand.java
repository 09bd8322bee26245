package dev.safedeploy.starter.cli;

import dev.safedeploy.workflows.lease.LeaseMode;
import dev.safedeploy.workflows.client.PipelineRuns;
import dev.safedeploy.workflows.client.TemporalConnection;
import dev.safedeploy.starter.runs.RunService;
import dev.safedeploy.workflows.pipeline.DataLocations;
import dev.safedeploy.workflows.pipeline.DeploymentPolicy;
import dev.safedeploy.workflows.pipeline.PipelineRequest;
import dev.safedeploy.workflows.pipeline.SafeDeploymentWorkflow;
import dev.safedeploy.workflows.pipeline.SearchAttributes;
import dev.safedeploy.workflows.pipeline.Strategy;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.client.WorkflowExecutionAlreadyStarted;
import io.temporal.client.WorkflowServiceException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "start", sortOptions = false,
    description = "Start a new model version through the pipeline (build, train, quality gate, baseline, dev deploy, "
        + "approval, canary prod deploy, watch).",
    footer = {"", "Durations: 30s, 5m, 2h, 7d, 1h30m, 500ms or ISO-8601 (PT5M).",
        "Example: safedeploy start taxi v2 --data-dir data/prepared --strategy LINEAR --linear-step 25 "
            + "--linear-interval 2m --approver alice --approver bob"})
public class StartCommand extends ClientCommand {

  @Parameters(index = "0", arity = "0..1", paramLabel = "MODEL", description = "model name (or --model)")
  String modelArg;

  @Parameters(index = "1", arity = "0..1", paramLabel = "VERSION", description = "version label (or --version)")
  String versionArg;

  @Option(names = {"-m", "--model"}, description = "model name: lowercase, 1-15 chars")
  String model;

  @Option(names = {"-v", "--version"}, description = "version label: lowercase, 1-20 chars")
  String version;

  @Option(names = "--data-dir", paramLabel = "DIR",
      description = "directory with train.csv, validation.csv, test.csv, baseline.csv (as file: URIs)")
  Path dataDir;

  @Option(names = "--train", paramLabel = "URI", description = "training data (s3:// or file: URI, or a path)")
  String train;

  @Option(names = "--validation", paramLabel = "URI", description = "validation data")
  String validation;

  @Option(names = "--test", paramLabel = "URI", description = "test / sample rows for hooks and smoke tests")
  String test;

  @Option(names = "--baseline", paramLabel = "URI", description = "baseline data (CSV with header)")
  String baseline;

  @Option(names = {"-H", "--hyperparameter"}, paramLabel = "KEY=VALUE",
      description = "XGBoost hyperparameter override, repeatable (e.g. -H max_depth=6 -H eta=0.1)")
  Map<String, String> hyperparameters = new LinkedHashMap<>();

  @Option(names = "--requested-by", paramLabel = "WHO", description = "who asks for this deployment (default $USER)")
  String requestedBy;

  @Option(names = "--policy", paramLabel = "FILE",
      description = "deployment policy as JSON or YAML; the options below override its fields")
  Path policyFile;

  @Option(names = "--strategy", description = "ALL_AT_ONCE, CANARY or LINEAR (default CANARY)")
  Strategy strategy;

  @Option(names = "--canary-percent", paramLabel = "N", description = "green's share in the canary step (10)")
  Integer canaryPercent;

  @Option(names = "--linear-step", paramLabel = "N", description = "LINEAR: percent added per step (10)")
  Integer linearStep;

  @Option(names = "--linear-interval", paramLabel = "DURATION", converter = Durations.class,
      description = "LINEAR: bake between steps (5m)")
  Duration linearInterval;

  @Option(names = "--bake", paramLabel = "DURATION", converter = Durations.class,
      description = "bake of each CANARY / ALL_AT_ONCE step (5m)")
  Duration bake;

  @Option(names = "--final-bake", paramLabel = "DURATION", converter = Durations.class,
      description = "bake at 100%% before the old version is retired (5m)")
  Duration finalBake;

  @Option(names = "--alarm", paramLabel = "NAME", split = ",",
      description = "alarm that rolls the canary back, repeatable (default: the backend's alarms)")
  List<String> alarms;

  @Option(names = "--alarm-poll-interval", paramLabel = "DURATION", converter = Durations.class,
      description = "how often alarm states are pulled while baking (30s)")
  Duration alarmPollInterval;

  @Option(names = "--approver", paramLabel = "WHO", split = ",",
      description = "who may approve or reject, repeatable (default: anyone)")
  List<String> approvers;

  @Option(names = "--four-eyes", negatable = true,
      description = "the approver must not be the requester (default on; --no-four-eyes turns it off)")
  Boolean fourEyes;

  @Option(names = "--rmse-threshold", paramLabel = "X", description = "validation RMSE must be under this (10)")
  Double rmseThreshold;

  @Option(names = "--rmse-tolerance", paramLabel = "FRACTION",
      description = "how much worse than the live model's RMSE is accepted (0.05)")
  Double rmseTolerance;

  @Option(names = "--approval-timeout", paramLabel = "DURATION", converter = Durations.class,
      description = "approval deadline; timing out rejects (7d)")
  Duration approvalTimeout;

  @Option(names = "--reminder-interval", paramLabel = "DURATION", converter = Durations.class,
      description = "how often approvers are reminded (1d)")
  Duration reminderInterval;

  @Option(names = "--watch-window", paramLabel = "DURATION", converter = Durations.class,
      description = "after promotion, how long an operator rollback still restores the old version (1h)")
  Duration watchWindow;

  @Option(names = "--max-hook-latency", paramLabel = "MILLIS",
      description = "latency bound per hook invocation in ms (2000)")
  Long maxHookLatencyMillis;

  @Option(names = "--prod-lease", paramLabel = "QUEUE|REFUSE",
      description = "when another run of the model is in production (canary or watch window): QUEUE waits in line"
          + " for it (default), REFUSE ends this run with outcome PROD_BUSY")
  LeaseMode prodLease;

  @Option(names = "--error-rate", paramLabel = "FRACTION",
      description = "local backend: the canary's 5xx alarm fires on this 5xx rate in a period (0.05 = 5%%) instead of "
          + "on any 5xx")
  Double errorRateThreshold;

  @Option(names = "--error-rate-min-samples", paramLabel = "N",
      description = "with --error-rate: periods with fewer invocations do not count (20)")
  Integer errorRateMinSamples;
  @Option(names = "--drift-threshold", paramLabel = "X",
      description = "drift alarms fire above this distance between the captured and the baseline distribution of"
          + " a column, in (0, 1] (0.20)")
  Double driftThreshold;

  @Option(names = "--json", description = "print the started run as JSON")
  boolean json;

  private PipelineRequest request;

  @Override
  protected int validate() {
    request = buildRequest();
    List<String> problems = request.problems();
    if (!problems.isEmpty()) {
      err().println("safedeploy start: the request has " + problems.size() + " problem"
          + (problems.size() == 1 ? "" : "s") + ":");
      problems.forEach(p -> err().println("  - " + p));
      err().flush();
      return ExitCodes.BAD_ARGUMENTS;
    }
    warnMissingLocalFiles(request.data());
    return -1;
  }

  PipelineRequest buildRequest() {
    String m = pick("model", modelArg, model);
    String v = pick("version", versionArg, version);
    String trainUri = train;
    String validationUri = validation;
    String testUri = test;
    String baselineUri = baseline;
    if (dataDir != null) {
      Path dir = dataDir.toAbsolutePath().normalize();
      trainUri = trainUri != null ? trainUri : dir.resolve("train.csv").toUri().toString();
      validationUri = validationUri != null ? validationUri : dir.resolve("validation.csv").toUri().toString();
      testUri = testUri != null ? testUri : dir.resolve("test.csv").toUri().toString();
      baselineUri = baselineUri != null ? baselineUri : dir.resolve("baseline.csv").toUri().toString();
    }
    DataLocations data = trainUri == null && validationUri == null && testUri == null && baselineUri == null
        ? null
        : new DataLocations(uri(trainUri), uri(validationUri), uri(testUri), uri(baselineUri));
    String who = requestedBy != null ? requestedBy : currentUser();
    return new PipelineRequest(m, v, data, hyperparameters, who, policy());
  }

  DeploymentPolicy policy() {
    DeploymentPolicy.Builder b = (policyFile != null ? PolicyFiles.read(policyFile) : DeploymentPolicy.defaults())
        .toBuilder();
    if (strategy != null) b.strategy(strategy);
    if (canaryPercent != null) b.canaryPercent(canaryPercent);
    if (linearStep != null) b.linearStepPercent(linearStep);
    if (linearInterval != null) b.linearInterval(linearInterval);
    if (bake != null) b.bake(bake);
    if (finalBake != null) b.finalBake(finalBake);
    if (alarms != null) b.alarmNames(alarms);
    if (alarmPollInterval != null) b.alarmPollInterval(alarmPollInterval);
    if (approvers != null) b.approvers(approvers);
    if (fourEyes != null) b.fourEyes(fourEyes);
    if (rmseThreshold != null) b.rmseThreshold(rmseThreshold);
    if (rmseTolerance != null) b.rmseTolerance(rmseTolerance);
    if (approvalTimeout != null) b.approvalTimeout(approvalTimeout);
    if (reminderInterval != null) b.reminderInterval(reminderInterval);
    if (watchWindow != null) b.watchWindow(watchWindow);
    if (maxHookLatencyMillis != null) b.maxHookLatencyMillis(maxHookLatencyMillis);
    if (prodLease != null) b.prodLease(prodLease);
    if (errorRateThreshold != null) b.errorRateThreshold(errorRateThreshold);
    if (errorRateMinSamples != null) b.errorRateMinSamples(errorRateMinSamples);
    if (driftThreshold != null) b.driftThreshold(driftThreshold);
    return b.build();
  }

  private static String pick(String what, String positional, String option) {
    if (positional != null && option != null && !positional.equals(option)) {
      throw CliFailure.badArguments(what + " given twice: '" + positional + "' and --" + what + " '" + option + "'");
    }
    return positional != null ? positional : option;
  }

  /** Plain paths become file: URIs; s3:// and file: URIs pass unchanged. */
  private static String uri(String value) {
    if (value == null || value.isBlank() || value.startsWith("s3://") || value.startsWith("file:")) {
      return value;
    }
    return Path.of(value).toAbsolutePath().normalize().toUri().toString();
  }

  private void warnMissingLocalFiles(DataLocations data) {
    for (String uri : List.of(data.train(), data.validation(), data.test(), data.baseline())) {
      if (uri.startsWith("file:")) {
        Path p = Path.of(java.net.URI.create(uri));
        if (!Files.exists(p)) {
          err().println("warning: " + p + " does not exist here (fine if the worker sees another file system)");
        }
      }
    }
  }

  @Override
  protected int run(TemporalConnection conn, RunService runs) {
    String id = request.workflowId();
    WorkflowExecution execution;
    try {
      execution = PipelineRuns.start(conn.client(), request).execution();
    } catch (WorkflowExecutionAlreadyStarted e) {
      throw CliFailure.badArguments("run " + id + " already exists (a version deploys once; `safedeploy status "
          + id + "` shows it, or start a new version)");
    } catch (WorkflowServiceException e) {
      StatusRuntimeException s = findStatus(e);
      if (s != null && s.getStatus().getCode() == Status.Code.INVALID_ARGUMENT
          && String.valueOf(s.getStatus().getDescription()).toLowerCase().contains("search attribute")) {
        throw CliFailure.badArguments("the server refused the search attributes (" + s.getStatus().getDescription()
            + "); register them once per namespace: "
            + SearchAttributes.ALL.stream().map(k -> "temporal operator search-attribute create --namespace "
                + conn.namespace() + " --name " + k.getName() + " --type Keyword")
            .collect(Collectors.joining(" && ")));
      }
      throw e;
    }
    if (json) {
      Map<String, Object> started = new LinkedHashMap<>();
      started.put("workflowId", id);
      started.put("runId", execution.getRunId());
      started.put("namespace", conn.namespace());
      started.put("taskQueue", SafeDeploymentWorkflow.TASK_QUEUE);
      started.put("request", request);
      out().println(Json.write(started));
    } else {
      out().println("started " + id + " (run " + execution.getRunId() + ") on " + conn.address() + "/"
          + conn.namespace());
      out().println("  " + PipelineRuns.summary(request));
      out().println("follow it:  safedeploy watch " + request.model() + "/" + request.version());
      out().println("approve:    safedeploy approve " + request.model() + "/" + request.version()
          + " --comment \"...\"");
    }
    return ExitCodes.OK;
  }

  private static StatusRuntimeException findStatus(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof StatusRuntimeException s) {
        return s;
      }
    }
    return null;
  }
}
