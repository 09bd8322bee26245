package dev.safedeploy.workflows.judge;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * How the canary judge decides; part of the deployment policy ({@code policy.judge}). Every field left null takes its
 * default, so an old policy without a judge section gets the judge with these defaults (Kayenta's: confidence 0.98,
 * pass 95, marginal 75, at least 50 samples per metric).
 *
 * @param enabled judge every bake that has blue and green side by side (default true)
 * @param confidence 1 − the significance level of every test (default 0.98)
 * @param passScore score at or above which the canary passes (default 95)
 * @param marginalScore score at or above which a failing canary is marginal, paused for a human (default 75)
 * @param minSamples fewer requests than this on either side leaves a metric inconclusive (default 50)
 * @param metrics what to compare (default all of {@link JudgeMetric}; PREDICTION_PAIRED needs mirrored
 *     traffic: the shadow bake or the paired canary)
 * @param criticalMetrics metrics whose failure fails the judgement whatever the score (default those of ERROR_RATE,
 *     PREDICTION, PREDICTION_PAIRED that are judged: more errors or different answers roll back, a latency blip asks a
 *     human)
 * @param latencyTolerance how much slower than blue green may be before a significant difference fails, as a fraction
 *     of blue's median (p50) or p99 (default 0.10)
 * @param predictionTolerance how far green's median answer (or, on mirrored rows, the median absolute difference) may
 *     be from blue's before a significant difference fails, as a fraction of blue's median answer (default 0.02: with
 *     thousands of samples a retrained model's every shift is significant; 0 fails on significance alone, as Kayenta's
 *     default does)
 * @param latencyFloorMillis a latency difference under this many milliseconds never fails, however significant
 *     (default 0.5: two model servers of one model differ by that much from cache and JIT state alone)
 * @param shadow how long green gets a mirrored copy of live traffic before its first real traffic step, judged like a
 *     bake with the mirrored pairs as evidence (default zero: no shadow step)
 * @param pairedCanary during every canary bake, each request green serves is also sent to blue after green has
 *     answered, so PREDICTION_PAIRED compares both answers on the same rows at every step, not only in the shadow
 *     bake (default true; only with PREDICTION_PAIRED among the metrics; a backend that cannot mirror, SageMaker,
 *     says so and judges the metric INCONCLUSIVE)
 * @param advisoryMetrics metrics that are judged and shown but never roll back: they are left out of the score, and
 *     one failing turns a PASS into MARGINAL, so a human decides (default none; a retrain run makes the answer metrics
 *     advisory, see {@link #forRetrain()}); none of them may be critical
 */
public record JudgePolicy(
    Boolean enabled,
    Double confidence,
    Double passScore,
    Double marginalScore,
    Integer minSamples,
    List<JudgeMetric> metrics,
    List<JudgeMetric> criticalMetrics,
    Double latencyTolerance,
    Double predictionTolerance,
    Double latencyFloorMillis,
    Duration shadow,
    Boolean pairedCanary,
    List<JudgeMetric> advisoryMetrics) {

  /** The metrics about the model's answers: what a retrained model is expected to change. */
  public static final List<JudgeMetric> ANSWER_METRICS = List.of(JudgeMetric.PREDICTION,
      JudgeMetric.PREDICTION_PAIRED);

  public JudgePolicy {
    enabled = enabled == null ? Boolean.TRUE : enabled;
    confidence = confidence == null ? 0.98 : confidence;
    passScore = passScore == null ? 95.0 : passScore;
    marginalScore = marginalScore == null ? 75.0 : marginalScore;
    minSamples = minSamples == null ? 50 : minSamples;
    metrics = metrics == null ? List.of(JudgeMetric.values()) : copy(metrics);
    if (criticalMetrics == null) {
      List<JudgeMetric> chosen = metrics;
      criticalMetrics = List.of(JudgeMetric.ERROR_RATE, JudgeMetric.PREDICTION, JudgeMetric.PREDICTION_PAIRED)
          .stream().filter(chosen::contains).toList();
    } else {
      criticalMetrics = copy(criticalMetrics);
    }
    latencyTolerance = latencyTolerance == null ? 0.10 : latencyTolerance;
    predictionTolerance = predictionTolerance == null ? 0.02 : predictionTolerance;
    latencyFloorMillis = latencyFloorMillis == null ? 0.5 : latencyFloorMillis;
    shadow = shadow == null ? Duration.ZERO : shadow;
    pairedCanary = pairedCanary == null ? Boolean.TRUE : pairedCanary;
    advisoryMetrics = advisoryMetrics == null ? List.of() : copy(advisoryMetrics);
  }

  /** Unmodifiable, but keeps a null (from JSON) for {@link #problems()} to name instead of failing construction. */
  private static List<JudgeMetric> copy(List<JudgeMetric> list) {
    return Collections.unmodifiableList(new ArrayList<>(list));
  }

  public static JudgePolicy defaults() {
    return new JudgePolicy(null, null, null, null, null, null, null, null, null, null, null, null, null);
  }

  public static JudgePolicy disabled() {
    return new JudgePolicy(false, null, null, null, null, null, null, null, null, null, null, null, null);
  }

  /** These defaults with a shadow step of the given length. */
  public static JudgePolicy withShadow(Duration shadow) {
    return new JudgePolicy(null, null, null, null, null, null, null, null, null, null, shadow, null, null);
  }

  /** The significance level of each test. */
  public double alpha() {
    return 1 - confidence;
  }

  public JudgePolicy withMetrics(List<JudgeMetric> m, List<JudgeMetric> critical) {
    return new JudgePolicy(enabled, confidence, passScore, marginalScore, minSamples, m, critical, latencyTolerance,
        predictionTolerance, latencyFloorMillis, shadow, pairedCanary, advisoryMetrics.stream()
        .filter(a -> m == null || m.contains(a)).filter(a -> critical == null || !critical.contains(a)).toList());
  }

  /** This policy with the paired canary on or off. */
  public JudgePolicy withPairedCanary(boolean on) {
    return new JudgePolicy(enabled, confidence, passScore, marginalScore, minSamples, metrics, criticalMetrics,
        latencyTolerance, predictionTolerance, latencyFloorMillis, shadow, on, advisoryMetrics);
  }

  /**
   * The judge of a retrain run: the answer metrics it judges become advisory (no longer critical, out of the score, a
   * difference asks a human: MARGINAL), because a model retrained on drifted data is meant to answer differently;
   * errors and latency keep the weight this policy gives them.
   */
  public JudgePolicy forRetrain() {
    List<JudgeMetric> advisory = new ArrayList<>(advisoryMetrics);
    ANSWER_METRICS.stream().filter(metrics::contains).filter(m -> !advisory.contains(m)).forEach(advisory::add);
    List<JudgeMetric> critical = criticalMetrics.stream().filter(m -> !advisory.contains(m)).toList();
    return new JudgePolicy(enabled, confidence, passScore, marginalScore, minSamples, metrics, critical,
        latencyTolerance, predictionTolerance, latencyFloorMillis, shadow, pairedCanary, advisory);
  }

  /** Whether canary bakes mirror green's requests to blue for PREDICTION_PAIRED. */
  public boolean pairsCanary() {
    return enabled && pairedCanary && metrics.contains(JudgeMetric.PREDICTION_PAIRED);
  }

  public List<String> problems() {
    List<String> problems = new ArrayList<>();
    if (!(confidence > 0 && confidence < 1)) {
      problems.add("policy.judge.confidence must be in (0, 1), got " + confidence);
    }
    if (!(passScore >= 0 && passScore <= 100)) {
      problems.add("policy.judge.passScore must be in [0, 100], got " + passScore);
    }
    if (!(marginalScore >= 0 && marginalScore <= 100)) {
      problems.add("policy.judge.marginalScore must be in [0, 100], got " + marginalScore);
    } else if (marginalScore > passScore) {
      problems.add("policy.judge.marginalScore (" + marginalScore + ") must not exceed passScore (" + passScore + ")");
    }
    if (minSamples < 2) {
      problems.add("policy.judge.minSamples must be at least 2, got " + minSamples);
    }
    if (metrics.stream().anyMatch(Objects::isNull) || criticalMetrics.stream().anyMatch(Objects::isNull)
        || advisoryMetrics.stream().anyMatch(Objects::isNull)) {
      problems.add("policy.judge.metrics must not contain null");
    }
    if (enabled && metrics.isEmpty()) {
      problems.add("policy.judge.metrics must name at least one metric when the judge is enabled");
    }
    for (JudgeMetric m : criticalMetrics) {
      if (m != null && !metrics.contains(m)) {
        problems.add("policy.judge.criticalMetrics: " + m + " is not among policy.judge.metrics " + metrics);
      }
    }
    for (JudgeMetric m : advisoryMetrics) {
      if (m != null && !metrics.contains(m)) {
        problems.add("policy.judge.advisoryMetrics: " + m + " is not among policy.judge.metrics " + metrics);
      } else if (m != null && criticalMetrics.contains(m)) {
        problems.add("policy.judge.advisoryMetrics: " + m + " is also critical; a metric is one or the other");
      }
    }
    if (!(latencyTolerance >= 0) || latencyTolerance.isInfinite()) {
      problems.add("policy.judge.latencyTolerance must be zero or more, got " + latencyTolerance);
    }
    if (!(predictionTolerance >= 0) || predictionTolerance.isInfinite()) {
      problems.add("policy.judge.predictionTolerance must be zero or more, got " + predictionTolerance);
    }
    if (!(latencyFloorMillis >= 0) || latencyFloorMillis.isInfinite()) {
      problems.add("policy.judge.latencyFloorMillis must be zero or more, got " + latencyFloorMillis);
    }
    if (shadow.isNegative()) {
      problems.add("policy.judge.shadow must not be negative, got " + shadow);
    }
    return problems;
  }
}
