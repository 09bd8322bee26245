package dev.safedeploy.activities.local.activities;

import dev.safedeploy.activities.judge.CanaryJudge;
import dev.safedeploy.activities.judge.VariantData;
import dev.safedeploy.platform.api.EndpointSamples;
import dev.safedeploy.platform.api.PairedSamples;
import dev.safedeploy.platform.api.Shadow;
import dev.safedeploy.platform.api.VariantSamples;
import dev.safedeploy.platform.client.PlatformClient;
import dev.safedeploy.platform.client.PlatformClientException;
import dev.safedeploy.workflows.activities.Failures;
import dev.safedeploy.workflows.judge.JudgeActivities;
import dev.safedeploy.workflows.judge.JudgeRequest;
import dev.safedeploy.workflows.judge.Judgement;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The canary judge on the local platform: the router's per-request samples of both variants over the window, and the
 * router's mirroring with its pairs of answers on the same rows: the shadow bake's (blue's rows copied to green) and
 * the paired canary's (green's rows copied to blue, kept only as pairs).
 */
public class LocalJudgeActivitiesImpl implements JudgeActivities {
  private static final Logger log = LoggerFactory.getLogger(LocalJudgeActivitiesImpl.class);
  private final PlatformClient platform;

  public LocalJudgeActivitiesImpl(PlatformClient platform) {
    this.platform = platform;
  }

  @Override
  public Judgement judge(JudgeRequest request) {
    if (request.from() == null || request.to() == null || request.to().isBefore(request.from())) {
      throw io.temporal.failure.ApplicationFailure.newNonRetryableFailure("judge window [" + request.from() + ", "
          + request.to() + ") is not a window", Failures.BAD_DATA);
    }
    EndpointSamples samples;
    try {
      samples = platform.samples(request.endpoint(), null, request.from().toEpochMilli(),
          request.to().toEpochMilli());
    } catch (PlatformClientException e) {
      throw Adapters.failure(e, Failures.NOT_FOUND);
    }
    VariantSamples blue = samples.variants().get(request.blueVariant());
    VariantSamples green = samples.variants().get(request.greenVariant());
    // the shadow bake's pairs are under green (blue served, green mirrored), the paired canary's under blue (green
    // served, blue mirrored); a window holds one or the other, both are read the same way round
    PairedSamples shadowed = samples.shadowPairs().get(request.greenVariant());
    PairedSamples referenced = samples.shadowPairs().get(request.blueVariant());
    double[] bluePaired = concat(shadowed == null ? null : shadowed.served(),
        referenced == null ? null : referenced.shadow());
    double[] greenPaired = concat(shadowed == null ? null : shadowed.shadow(),
        referenced == null ? null : referenced.served());
    Judgement j = CanaryJudge.judge(request, data(blue), data(green), bluePaired, greenPaired);
    List<String> truncated = new ArrayList<>();
    if (blue != null && blue.truncated()) {
      truncated.add(request.blueVariant());
    }
    if (green != null && green.truncated()) {
      truncated.add(request.greenVariant());
    }
    if ((shadowed != null && shadowed.truncated()) || (referenced != null && referenced.truncated())) {
      truncated.add("mirrored pairs");
    }
    if (!truncated.isEmpty()) {
      // the judgement stands on the most recent samples; say that older ones of the window were no longer held
      j = new Judgement(j.step(), j.from(), j.to(), j.score(), j.verdict(),
          j.reason() + " (window reaches past the samples held for " + truncated + ": judged on the latest)",
          j.metrics());
    }
    log.info("judged {} vs {} on {} over [{}, {}): {}", request.greenVariant(), request.blueVariant(),
        request.endpoint(), request.from(), request.to(), j.reason());
    return j;
  }

  @Override
  public ShadowState startShadow(ShadowRequest request) {
    try {
      Shadow s = platform.setShadow(request.endpoint(), request.shadowVariant(), request.pairsOnly());
      log.info("{}: live traffic mirrored to {}{}", request.endpoint(), s.variant(),
          s.pairsOnly() ? " (pairs only: the paired canary)" : "");
      return new ShadowState(request.endpoint(), s.variant(), true, null);
    } catch (PlatformClientException e) {
      throw Adapters.failure(e, Failures.NOT_FOUND);
    }
  }

  @Override
  public ShadowState stopShadow(ShadowRequest request) {
    try {
      platform.clearShadow(request.endpoint());
    } catch (PlatformClientException e) {
      if (!e.notFound()) {
        throw Adapters.failure(e, Failures.NOT_FOUND);
      }
      // the endpoint is gone: so is its shadow
    }
    return new ShadowState(request.endpoint(), request.shadowVariant(), false, "stopped");
  }

  private static double[] concat(double[] a, double[] b) {
    if (a == null || a.length == 0) {
      return b;
    }
    if (b == null || b.length == 0) {
      return a;
    }
    double[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  private static VariantData data(VariantSamples s) {
    return s == null ? VariantData.empty() : VariantData.of(s.latencyMicros(), s.status(), s.prediction());
  }
}
