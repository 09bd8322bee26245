package dev.safedeploy.activities.aws.judge;

import dev.safedeploy.activities.aws.AwsBackendConfig;
import dev.safedeploy.activities.aws.cloudformation.StackDeployer;
import dev.safedeploy.activities.aws.cloudwatch.AlarmNames;
import dev.safedeploy.activities.judge.CanaryJudge;
import dev.safedeploy.activities.judge.VariantData;
import dev.safedeploy.workflows.activities.Failures;
import dev.safedeploy.workflows.judge.JudgeActivities;
import dev.safedeploy.workflows.judge.JudgeMetric;
import dev.safedeploy.workflows.judge.JudgeRequest;
import dev.safedeploy.workflows.judge.Judgement;
import dev.safedeploy.workflows.judge.MetricJudgement;
import dev.safedeploy.workflows.judge.Pairing;
import dev.safedeploy.workflows.judge.Verdict;
import io.temporal.failure.ApplicationFailure;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.DoubleStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sagemaker.SageMakerClient;

/**
 * The canary judge on AWS, scored by the same {@link CanaryJudge} as on the local platform, from what SageMaker and
 * CloudWatch keep of the window:
 * <ul>
 *   <li>PREDICTION: both variants' answers from data capture (the prod endpoint captures every request, see
 *       templates/prod-endpoint.yml), read by {@link CapturedAnswers} with caps on objects and records.</li>
 *   <li>ERROR_RATE: CloudWatch's Invocations and Invocation5XXErrors summed over the window per variant (data capture
 *       records no failed requests), the same two-proportion test on exact counts.</li>
 *   <li>LATENCY_P50: data capture has no latency, CloudWatch only ModelLatency per 60-second period; the rank test
 *       runs on the per-minute averages of both variants, so it needs the policy's minimum of minutes on each side
 *       (50 by default: a bake of under 50 minutes leaves it INCONCLUSIVE, saying so) and compares typical minutes,
 *       not typical requests.</li>
 *   <li>LATENCY_P99: always INCONCLUSIVE: a per-minute average hides the tail, and no per-request latency exists to
 *       find it in; the canary's latency-p99 alarm (CloudWatch's own p99 per minute) guards it instead.</li>
 *   <li>PREDICTION_PAIRED: during a shadow step ({@link ShadowVariants}) green's answers are captured under its own
 *       variant name and paired with blue's by inferenceId (when the caller sends one) or eventId; without matching
 *       ids it is INCONCLUSIVE, with the counts. At canary steps it is INCONCLUSIVE with {@link #NO_PAIRED_CANARY}:
 *       SageMaker sends each request to one production variant and has no way to copy green's requests to blue, so
 *       the paired canary of the local platform ({@code policy.judge.pairedCanary}) is not available here.</li>
 * </ul>
 * Green's data includes its shadow's (same variant name), as the local router records a shadow's answers as its own.
 * CloudWatch publishes a minute's metrics a minute or two late and capture files land a few minutes after their
 * requests, so the end of a window just closed may be missing: judged on what has landed.
 */
public class AwsJudgeActivitiesImpl implements JudgeActivities {
  private static final Logger log = LoggerFactory.getLogger(AwsJudgeActivitiesImpl.class);
  /** Per variant and window: enough for tens of thousands of captured requests, bounded for busy endpoints. */
  static final int MAX_OBJECTS = 2_000;
  static final int MAX_RECORDS = 100_000;
  /** Why there are no pairs at a canary step on SageMaker (the paired canary's mirror does not exist there). */
  static final String NO_PAIRED_CANARY = "SageMaker does not mirror canary traffic: each request is answered by one"
      + " production variant, and a shadow variant (ShadowProductionVariants) serves no client, so no canary row has"
      + " both answers; PREDICTION_PAIRED is judged on AWS only in a shadow bake (policy.judge.shadow)";

  private final CapturedAnswers captures;
  private final VariantMetrics metrics;
  private final ShadowVariants shadows;

  /** @param captureRoot the prod endpoints' data capture root ({@code s3://bucket/prefix/datacapture}) */
  public AwsJudgeActivitiesImpl(SageMakerClient sageMaker, S3Client s3, CloudWatchClient cloudWatch,
      StackDeployer stacks, AwsBackendConfig config, String captureRoot) {
    this(sageMaker, s3, cloudWatch, stacks, config, captureRoot, MAX_OBJECTS, MAX_RECORDS);
  }

  AwsJudgeActivitiesImpl(SageMakerClient sageMaker, S3Client s3, CloudWatchClient cloudWatch, StackDeployer stacks,
      AwsBackendConfig config, String captureRoot, int maxObjects, int maxRecords) {
    this.captures = new CapturedAnswers(s3, captureRoot, maxObjects, maxRecords);
    this.metrics = new VariantMetrics(cloudWatch);
    this.shadows = new ShadowVariants(sageMaker, stacks, config);
  }

  @Override
  public Judgement judge(JudgeRequest request) {
    if (request.from() == null || request.to() == null || !request.to().isAfter(request.from())) {
      throw ApplicationFailure.newNonRetryableFailure("judge window [" + request.from() + ", " + request.to()
          + ") is not a window", Failures.BAD_DATA);
    }
    if (request.blueVariant() == null || request.greenVariant() == null
        || request.blueVariant().equals(request.greenVariant())) {
      throw ApplicationFailure.newNonRetryableFailure("judge needs two different variants, got blue "
          + request.blueVariant() + " and green " + request.greenVariant(), Failures.BAD_DATA);
    }
    String endpoint = request.endpoint();
    CapturedAnswers.Read blue = captures.read(endpoint, request.blueVariant(), request.from(), request.to());
    CapturedAnswers.Read green = captures.read(endpoint, request.greenVariant(), request.from(), request.to());
    Map<String, VariantMetrics.Counts> counts = metrics.read(endpoint,
        List.of(request.blueVariant(), request.greenVariant()), request.from(), request.to());
    VariantMetrics.Counts b = counts.get(request.blueVariant());
    VariantMetrics.Counts g = counts.get(request.greenVariant());
    Pairs pairs = Pairs.of(blue, green);
    Judgement raw = CanaryJudge.judge(request,
        new VariantData(b.latencyMillis(), b.errors(), blue.predictions(), b.invocations()),
        new VariantData(g.latencyMillis(), g.errors(), green.predictions(), g.invocations()),
        pairs.blue(), pairs.green());
    List<MetricJudgement> judged = new ArrayList<>();
    for (MetricJudgement m : raw.metrics()) {
      judged.add(switch (m.metric()) {
        case LATENCY_P50 -> latencyP50(request, m, b, g);
        case LATENCY_P99 -> MetricJudgement.inconclusive(JudgeMetric.LATENCY_P99, b.latencyMillis().length,
            g.latencyMillis().length, "SageMaker keeps no per-request latency (CloudWatch: per-minute aggregates, data"
                + " capture: none), so the tail cannot be tested; the canary alarm "
                + AlarmNames.latencyP99(endpoint, request.greenVariant()) + " guards it");
        case PREDICTION_PAIRED -> canaryWindow(request)
            ? MetricJudgement.inconclusive(JudgeMetric.PREDICTION_PAIRED, 0, 0, NO_PAIRED_CANARY)
            : m.verdict() == Verdict.INCONCLUSIVE && pairs.size() == 0
                ? MetricJudgement.inconclusive(JudgeMetric.PREDICTION_PAIRED, 0, 0, pairs.why(blue, green)) : m;
        default -> m;
      });
    }
    Judgement j = Judgement.score(request, judged);
    List<String> notes = new ArrayList<>();
    for (CapturedAnswers.Read r : List.of(blue, green)) {
      if (r.truncated()) {
        notes.add(r.variant() + "'s capture read up to the cap (" + r.objects() + " files, " + r.answers().size()
            + " answers): judged on the window's first");
      }
      if (r.unreadable() > 0) {
        notes.add(r.unreadable() + " captured lines of " + r.variant() + " had no numeric answer");
      }
    }
    if (pairs.size() > 0 && pairs.unmatched() > 0) {
      notes.add(pairs.unmatched() + " of " + green.answers().size() + " captured answers of " + green.variant()
          + " had no counterpart among blue's (paired " + pairs.size() + " rows)");
    }
    if (!notes.isEmpty()) {
      j = new Judgement(j.step(), j.from(), j.to(), j.score(), j.verdict(),
          j.reason() + " (" + String.join("; ", notes) + ")", j.metrics());
    }
    log.info("judged {} vs {} on {} over [{}, {}): {}", request.greenVariant(), request.blueVariant(), endpoint,
        request.from(), request.to(), j.reason());
    return j;
  }

  /**
   * A window the workflow says had no shadow (a canary step): ids that happen to match in it are no mirrored pairs.
   * A request recorded before it said (null) is judged as before, on whatever pairs the ids give.
   */
  private static boolean canaryWindow(JudgeRequest request) {
    return request.pairing() != null && request.pairing() != Pairing.SHADOW;
  }

  /** The rank test ran on per-minute averages: say so, and count minutes where there are too few. */
  private static MetricJudgement latencyP50(JudgeRequest request, MetricJudgement m, VariantMetrics.Counts b,
      VariantMetrics.Counts g) {
    int nb = b.latencyMillis().length;
    int ng = g.latencyMillis().length;
    if (m.verdict() == Verdict.INCONCLUSIVE) {
      return MetricJudgement.inconclusive(JudgeMetric.LATENCY_P50, nb, ng, String.format(Locale.ROOT,
          "too few minutes of CloudWatch ModelLatency: blue %d, green %d (minimum %d each; SageMaker keeps"
              + " per-minute averages, not per-request latencies)", nb, ng, request.policy().minSamples()));
    }
    return new MetricJudgement(m.metric(), m.blueSamples(), m.greenSamples(), m.test(), m.statistic(), m.pValue(),
        m.blueValue(), m.greenValue(), m.verdict(), "on per-minute ModelLatency averages (CloudWatch, " + nb
            + " blue and " + ng + " green minutes; no per-request latency on SageMaker): " + m.detail(),
        m.blueQuantiles(), m.greenQuantiles());
  }

  /** Blue's and green's answers to the same requests, matched by id, row by row. */
  record Pairs(double[] blue, double[] green, int unmatched) {

    int size() {
      return blue.length;
    }

    static Pairs of(CapturedAnswers.Read blue, CapturedAnswers.Read green) {
      Map<String, double[]> byId = new HashMap<>();
      blue.answers().forEach(a -> {
        if (a.id() != null) {
          byId.put(a.id(), a.predictions());
        }
      });
      DoubleStream.Builder bs = DoubleStream.builder();
      DoubleStream.Builder gs = DoubleStream.builder();
      int unmatched = 0;
      for (CapturedAnswers.Answer a : green.answers()) {
        double[] served = a.id() == null ? null : byId.get(a.id());
        if (served == null || served.length != a.predictions().length) {
          unmatched++;
          continue;
        }
        for (int i = 0; i < served.length; i++) {
          bs.add(served[i]);
          gs.add(a.predictions()[i]);
        }
      }
      return new Pairs(bs.build().toArray(), gs.build().toArray(), unmatched);
    }

    String why(CapturedAnswers.Read blue, CapturedAnswers.Read green) {
      if (green.answers().isEmpty()) {
        return "no captured answers of " + green.variant() + " in this window: no mirrored pairs";
      }
      return "none of " + green.answers().size() + " captured answers of " + green.variant() + " shares an"
          + " inferenceId or eventId with blue's " + blue.answers().size() + " (no shadow traffic in this window, or"
          + " the captures cannot be paired): no mirrored pairs";
    }
  }

  /** The shadow step's SageMaker shadow variant; the paired canary is refused with why (nothing is changed). */
  @Override
  public ShadowState startShadow(ShadowRequest request) {
    if (request.pairsOnly()) {
      log.info("{}: no paired canary on SageMaker", request.endpoint());
      return new ShadowState(request.endpoint(), request.shadowVariant(), false, NO_PAIRED_CANARY);
    }
    return shadows.start(request);
  }

  @Override
  public ShadowState stopShadow(ShadowRequest request) {
    if (request.pairsOnly()) {
      return new ShadowState(request.endpoint(), request.shadowVariant(), false, "no paired canary to stop");
    }
    return shadows.stop(request);
  }
}
