package dev.safedeploy.workflows.pipeline;

import dev.safedeploy.workflows.judge.JudgePolicy;
import dev.safedeploy.workflows.lease.LeaseMode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * How a version is approved, shifted into production and watched. Every field left null (for instance absent from a
 * JSON policy file) takes its default, so {@code new DeploymentPolicy(null, ...)} and {@link #defaults()} agree.
 *
 * @param strategy ALL_AT_ONCE, CANARY (default) or LINEAR
 * @param canaryPercent green's share during the canary step (default 10)
 * @param linearStepPercent green's increment per LINEAR step (default 10)
 * @param linearInterval bake between LINEAR steps (default 5 min)
 * @param bake bake of each CANARY / ALL_AT_ONCE step (default 5 min, as the seed's Canary10Percent5Minutes)
 * @param finalBake bake at 100% green before blue is retired (default 5 min)
 * @param alarmNames alarms that roll back the canary; empty means the backend's alarms for the prod endpoint
 * @param alarmPollInterval how often alarm states are pulled while baking (default 30 s); pushed alarms act at once
 * @param approvalTimeout how long approval may take; timing out is a rejection (default 7 days)
 * @param reminderInterval how often to remind approvers while waiting (default 1 day)
 * @param approvers who may approve or reject; empty means anyone
 * @param fourEyes the approver must not be the requester (default true)
 * @param rmseThreshold validation RMSE must be under this (default 10)
 * @param rmseTolerance how much worse than the live model's RMSE the new one may be, as a fraction (default 0.05)
 * @param watchWindow after promotion, how long an operator rollback still restores the previous version (default 1 h)
 * @param maxHookLatencyMillis the pre/post-traffic hooks' latency bound per invocation (default 2000 ms)
 * @param prodLease when another run of the same production endpoint is in its canary or watch window: QUEUE (default)
 *     waits in line for it, REFUSE ends this run with outcome PROD_BUSY
 * @param errorRateThreshold when set (a fraction in (0, 1]), the default 5xx alarm of the local backend fires on the
 *     green variant's 5xx rate reaching it in a period, instead of on any 5xx: a rate, so a few failed requests do
 *     not roll back a model that answers everyone else (null, the default: any 5xx in a period alarms)
 * @param errorRateMinSamples with errorRateThreshold, a period with fewer invocations than this gives no datapoint,
 *     so one request cannot be a 100% rate (default 20)
 * @param driftThreshold the drift alarms' bound on {@code feature_baseline_drift_<column>}, the distance between the
 *     captured and the baseline distribution (0..1; default 0.20, the seed's)
 * @param judge the canary judge: green against blue, statistically, at the end of every bake that has both (default
 *     {@link JudgePolicy#defaults()}; absent from policies written before it)
 */
public record DeploymentPolicy(
    Strategy strategy,
    Integer canaryPercent,
    Integer linearStepPercent,
    Duration linearInterval,
    Duration bake,
    Duration finalBake,
    List<String> alarmNames,
    Duration alarmPollInterval,
    Duration approvalTimeout,
    Duration reminderInterval,
    List<String> approvers,
    Boolean fourEyes,
    Double rmseThreshold,
    Double rmseTolerance,
    Duration watchWindow,
    Long maxHookLatencyMillis,
    LeaseMode prodLease,
    Double errorRateThreshold,
    Integer errorRateMinSamples,
    Double driftThreshold,
    JudgePolicy judge) {

  public static final double DEFAULT_DRIFT_THRESHOLD = 0.20;

  public DeploymentPolicy {
    strategy = strategy == null ? Strategy.CANARY : strategy;
    canaryPercent = canaryPercent == null ? 10 : canaryPercent;
    linearStepPercent = linearStepPercent == null ? 10 : linearStepPercent;
    linearInterval = linearInterval == null ? Duration.ofMinutes(5) : linearInterval;
    bake = bake == null ? Duration.ofMinutes(5) : bake;
    finalBake = finalBake == null ? Duration.ofMinutes(5) : finalBake;
    alarmNames = alarmNames == null ? List.of() : List.copyOf(alarmNames);
    alarmPollInterval = alarmPollInterval == null ? Duration.ofSeconds(30) : alarmPollInterval;
    approvalTimeout = approvalTimeout == null ? Duration.ofDays(7) : approvalTimeout;
    reminderInterval = reminderInterval == null ? Duration.ofDays(1) : reminderInterval;
    approvers = approvers == null ? List.of() : List.copyOf(approvers);
    fourEyes = fourEyes == null ? Boolean.TRUE : fourEyes;
    rmseThreshold = rmseThreshold == null ? 10.0 : rmseThreshold;
    rmseTolerance = rmseTolerance == null ? 0.05 : rmseTolerance;
    watchWindow = watchWindow == null ? Duration.ofHours(1) : watchWindow;
    maxHookLatencyMillis = maxHookLatencyMillis == null ? 2000L : maxHookLatencyMillis;
    prodLease = prodLease == null ? LeaseMode.QUEUE : prodLease;
    errorRateMinSamples = errorRateMinSamples == null ? 20 : errorRateMinSamples;
    driftThreshold = driftThreshold == null ? DEFAULT_DRIFT_THRESHOLD : driftThreshold;
    judge = judge == null ? JudgePolicy.defaults() : judge;
  }

  public static DeploymentPolicy defaults() {
    return builder().build();
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    return new Builder(this);
  }

  /** Percent of traffic on green after each step. */
  public List<Integer> trafficSteps() {
    return strategy.steps(this);
  }

  /** Bake after reaching the given step (index into {@link #trafficSteps()}), the final bake excluded. */
  public Duration stepBake() {
    return strategy == Strategy.LINEAR ? linearInterval : bake;
  }

  List<String> problems() {
    List<String> problems = new ArrayList<>();
    if (canaryPercent < 1 || canaryPercent > 99) {
      problems.add("policy.canaryPercent must be in [1, 99], got " + canaryPercent);
    }
    if (linearStepPercent < 1 || linearStepPercent > 99) {
      problems.add("policy.linearStepPercent must be in [1, 99], got " + linearStepPercent);
    }
    nonNegative(problems, "linearInterval", linearInterval);
    nonNegative(problems, "bake", bake);
    nonNegative(problems, "finalBake", finalBake);
    nonNegative(problems, "watchWindow", watchWindow);
    positive(problems, "alarmPollInterval", alarmPollInterval);
    positive(problems, "approvalTimeout", approvalTimeout);
    positive(problems, "reminderInterval", reminderInterval);
    if (!(rmseThreshold > 0) || rmseThreshold.isInfinite()) {
      problems.add("policy.rmseThreshold must be a positive number, got " + rmseThreshold);
    }
    if (!(rmseTolerance >= 0) || rmseTolerance.isInfinite()) {
      problems.add("policy.rmseTolerance must be zero or more, got " + rmseTolerance);
    }
    if (errorRateThreshold != null && !(errorRateThreshold > 0 && errorRateThreshold <= 1)) {
      problems.add("policy.errorRateThreshold must be a fraction in (0, 1], got " + errorRateThreshold);
    }
    if (errorRateMinSamples < 1) {
      problems.add("policy.errorRateMinSamples must be at least 1, got " + errorRateMinSamples);
    }
    if (!(driftThreshold > 0 && driftThreshold <= 1)) {
      problems.add("policy.driftThreshold must be in (0, 1] (a distance between distributions), got "
          + driftThreshold);
    }
    if (maxHookLatencyMillis < 1) {
      problems.add("policy.maxHookLatencyMillis must be positive, got " + maxHookLatencyMillis);
    }
    for (String a : approvers) {
      if (a == null || a.isBlank()) {
        problems.add("policy.approvers must not contain blank names");
      }
    }
    for (String a : alarmNames) {
      if (a == null || a.isBlank()) {
        problems.add("policy.alarmNames must not contain blank names");
      }
    }
    problems.addAll(judge.problems());
    return problems;
  }

  private static void nonNegative(List<String> problems, String name, Duration d) {
    if (d.isNegative()) {
      problems.add("policy." + name + " must not be negative, got " + d);
    }
  }

  private static void positive(List<String> problems, String name, Duration d) {
    if (d.isNegative() || d.isZero()) {
      problems.add("policy." + name + " must be positive, got " + d);
    }
  }

  /** Fluent construction for code and tests; unset fields take their defaults. */
  public static final class Builder {
    private Strategy strategy;
    private Integer canaryPercent;
    private Integer linearStepPercent;
    private Duration linearInterval;
    private Duration bake;
    private Duration finalBake;
    private List<String> alarmNames;
    private Duration alarmPollInterval;
    private Duration approvalTimeout;
    private Duration reminderInterval;
    private List<String> approvers;
    private Boolean fourEyes;
    private Double rmseThreshold;
    private Double rmseTolerance;
    private Duration watchWindow;
    private Long maxHookLatencyMillis;
    private LeaseMode prodLease;
    private Double errorRateThreshold;
    private Integer errorRateMinSamples;
    private Double driftThreshold;
    private JudgePolicy judge;

    private Builder() {}

    private Builder(DeploymentPolicy p) {
      strategy = p.strategy;
      canaryPercent = p.canaryPercent;
      linearStepPercent = p.linearStepPercent;
      linearInterval = p.linearInterval;
      bake = p.bake;
      finalBake = p.finalBake;
      alarmNames = p.alarmNames;
      alarmPollInterval = p.alarmPollInterval;
      approvalTimeout = p.approvalTimeout;
      reminderInterval = p.reminderInterval;
      approvers = p.approvers;
      fourEyes = p.fourEyes;
      rmseThreshold = p.rmseThreshold;
      rmseTolerance = p.rmseTolerance;
      watchWindow = p.watchWindow;
      maxHookLatencyMillis = p.maxHookLatencyMillis;
      prodLease = p.prodLease;
      errorRateThreshold = p.errorRateThreshold;
      errorRateMinSamples = p.errorRateMinSamples;
      driftThreshold = p.driftThreshold;
      judge = p.judge;
    }

    public Builder strategy(Strategy v) { strategy = v; return this; }
    public Builder canaryPercent(int v) { canaryPercent = v; return this; }
    public Builder linearStepPercent(int v) { linearStepPercent = v; return this; }
    public Builder linearInterval(Duration v) { linearInterval = v; return this; }
    public Builder bake(Duration v) { bake = v; return this; }
    public Builder finalBake(Duration v) { finalBake = v; return this; }
    public Builder alarmNames(List<String> v) { alarmNames = v; return this; }
    public Builder alarmPollInterval(Duration v) { alarmPollInterval = v; return this; }
    public Builder approvalTimeout(Duration v) { approvalTimeout = v; return this; }
    public Builder reminderInterval(Duration v) { reminderInterval = v; return this; }
    public Builder approvers(List<String> v) { approvers = v; return this; }
    public Builder fourEyes(boolean v) { fourEyes = v; return this; }
    public Builder rmseThreshold(double v) { rmseThreshold = v; return this; }
    public Builder rmseTolerance(double v) { rmseTolerance = v; return this; }
    public Builder watchWindow(Duration v) { watchWindow = v; return this; }
    public Builder maxHookLatencyMillis(long v) { maxHookLatencyMillis = v; return this; }
    public Builder prodLease(LeaseMode v) { prodLease = v; return this; }
    public Builder errorRateThreshold(Double v) { errorRateThreshold = v; return this; }
    public Builder errorRateMinSamples(int v) { errorRateMinSamples = v; return this; }
    public Builder driftThreshold(double v) { driftThreshold = v; return this; }
    public Builder judge(JudgePolicy v) { judge = v; return this; }

    public DeploymentPolicy build() {
      return new DeploymentPolicy(strategy, canaryPercent, linearStepPercent, linearInterval, bake, finalBake,
          alarmNames, alarmPollInterval, approvalTimeout, reminderInterval, approvers, fourEyes, rmseThreshold,
          rmseTolerance, watchWindow, maxHookLatencyMillis, prodLease, errorRateThreshold, errorRateMinSamples,
          driftThreshold, judge);
    }
  }
}
