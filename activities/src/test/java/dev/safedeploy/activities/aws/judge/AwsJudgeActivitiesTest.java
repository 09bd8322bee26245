package dev.safedeploy.activities.aws.judge;

import static org.assertj.core.api.Assertions.assertThat;

import dev.safedeploy.activities.aws.ActivityTesting;
import dev.safedeploy.activities.aws.AwsClients;
import dev.safedeploy.activities.aws.MotoServer;
import dev.safedeploy.activities.aws.MotoServerExtension;
import dev.safedeploy.activities.aws.cloudformation.StackDeployer;
import dev.safedeploy.activities.aws.sagemaker.AwsEndpointActivitiesImpl;
import dev.safedeploy.workflows.activities.EndpointActivities;
import dev.safedeploy.workflows.activities.EndpointActivities.ModelSpec;
import dev.safedeploy.workflows.activities.EndpointActivities.VariantChange;
import dev.safedeploy.workflows.activities.EndpointActivities.VariantSpec;
import dev.safedeploy.workflows.activities.Failures;
import dev.safedeploy.workflows.judge.JudgeActivities;
import dev.safedeploy.workflows.judge.JudgeActivities.ShadowRequest;
import dev.safedeploy.workflows.judge.JudgeActivities.ShadowState;
import dev.safedeploy.workflows.judge.JudgeMetric;
import dev.safedeploy.workflows.judge.JudgePolicy;
import dev.safedeploy.workflows.judge.JudgeRequest;
import dev.safedeploy.workflows.judge.Judgement;
import dev.safedeploy.workflows.judge.MetricJudgement;
import dev.safedeploy.workflows.judge.Pairing;
import dev.safedeploy.workflows.judge.Verdict;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.cloudwatch.model.Dimension;
import software.amazon.awssdk.services.cloudwatch.model.MetricDatum;
import software.amazon.awssdk.services.cloudwatch.model.StandardUnit;

/**
 * The AWS judge against moto: capture files in S3 in SageMaker's layout and format, per-minute SageMaker metrics put
 * into CloudWatch, judged through the activity; the shadow step against the real prod stack, where moto keeps no
 * ShadowProductionVariants (the supported path is {@link AwsShadowJudgeTest}'s).
 */
@ExtendWith(MotoServerExtension.class)
class AwsJudgeActivitiesTest {
  static final String ENDPOINT = "taxi-prod";
  static final String ROOT = "s3://" + MotoServer.BUCKET + "/sd/datacapture";
  /** Crosses an hour: the capture lives under two hour prefixes. */
  static final Instant FROM = Instant.parse("2026-12-03T09:50:00Z");
  static final Instant TO = Instant.parse("2026-12-03T10:10:00Z");
  static final int MINUTES = 20;
  private static final DateTimeFormatter HOUR = DateTimeFormatter.ofPattern("yyyy/MM/dd/HH").withZone(ZoneOffset.UTC);

  private static ActivityTesting activities(MotoServer moto, int maxObjects) {
    AwsClients c = moto.clients();
    c.s3().createBucket(b -> b.bucket(MotoServer.BUCKET));
    return new ActivityTesting(new AwsJudgeActivitiesImpl(c.sageMaker(), c.s3(), c.cloudWatch(),
        new StackDeployer(c.cloudFormation(), moto.config()), moto.config(), ROOT, maxObjects, 100_000));
  }

  private static JudgeRequest request(JudgePolicy policy) {
    return new JudgeRequest(ENDPOINT, "v1", "v2", FROM, TO, "canary 10% bake", policy);
  }

  /**
   * {@code perMinute} captured requests of the variant in each minute of the window, in one file per five minutes,
   * as SageMaker writes them (plus one record before and one after the window, which the judge must leave out).
   *
   * @param answer the prediction of request i
   * @param id the inferenceId of request i (null: none, the eventId pairs)
   */
  static void capture(MotoServer moto, String variant, int perMinute, IntFunction<Double> answer,
      IntFunction<String> id) {
    int i = 0;
    for (int file = 0; file < MINUTES / 5; file++) {
      StringBuilder lines = new StringBuilder();
      for (int m = file * 5; m < file * 5 + 5; m++) {
        for (int k = 0; k < perMinute; k++, i++) {
          Instant at = FROM.plusSeconds(60L * m + k * 50L / perMinute);
          lines.append(line(variant + "-event-" + i, id.apply(i), at, answer.apply(i))).append('\n');
        }
      }
      Instant written = FROM.plusSeconds(300L * file + 299);
      put(moto, variant, written, "part-" + file, lines.toString());
    }
    put(moto, variant, FROM.minusSeconds(30), "before", line("b", null, FROM.minusSeconds(30), 1e6) + "\n");
    put(moto, variant, TO, "after", line("a", null, TO, 1e6) + "\n");
  }

  static void put(MotoServer moto, String variant, Instant written, String name, String body) {
    String key = "sd/datacapture/" + ENDPOINT + "/" + variant + "/" + HOUR.format(written) + "/"
        + DateTimeFormatter.ofPattern("mm-ss-SSS").withZone(ZoneOffset.UTC).format(written) + "-" + name + ".jsonl";
    moto.clients().s3().putObject(b -> b.bucket(MotoServer.BUCKET).key(key), RequestBody.fromString(body));
  }

  /** One capture record in SageMaker's format (CSV in, CSV out). */
  static String line(String eventId, String inferenceId, Instant at, double prediction) {
    return "{\"captureData\":{\"endpointInput\":{\"observedContentType\":\"text/csv\",\"mode\":\"INPUT\","
        + "\"data\":\"1,2.5,3\",\"encoding\":\"CSV\"},\"endpointOutput\":{\"observedContentType\":"
        + "\"text/csv; charset=utf-8\",\"mode\":\"OUTPUT\",\"data\":\"" + String.format(Locale.ROOT, "%.6f", prediction)
        + "\",\"encoding\":\"CSV\"}},\"eventMetadata\":{\"eventId\":\"" + eventId + "\","
        + (inferenceId == null ? "" : "\"inferenceId\":\"" + inferenceId + "\",")
        + "\"inferenceTime\":\"" + at + "\"},\"eventVersion\":\"0\"}";
  }

  /** SageMaker's per-minute metrics of one variant over the window. */
  static void metrics(MotoServer moto, String variant, int invocations, IntFunction<Integer> errorsInMinute,
      double latencyMicros, Random r) {
    List<MetricDatum> data = new ArrayList<>();
    for (int m = 0; m < MINUTES; m++) {
      Instant at = FROM.plusSeconds(60L * m + 10);
      data.add(datum("Invocations", variant, at, invocations, StandardUnit.NONE));
      data.add(datum("Invocation5XXErrors", variant, at, errorsInMinute.apply(m), StandardUnit.NONE));
      data.add(datum("ModelLatency", variant, at, latencyMicros * (1 + 0.05 * r.nextGaussian()),
          StandardUnit.MICROSECONDS));
    }
    for (int from = 0; from < data.size(); from += 20) {
      List<MetricDatum> batch = data.subList(from, Math.min(data.size(), from + 20));
      moto.clients().cloudWatch().putMetricData(b -> b.namespace("AWS/SageMaker").metricData(batch));
    }
  }

  private static MetricDatum datum(String name, String variant, Instant at, double value, StandardUnit unit) {
    return MetricDatum.builder().metricName(name).timestamp(at).value(value).unit(unit)
        .dimensions(Dimension.builder().name("EndpointName").value(ENDPOINT).build(),
            Dimension.builder().name("VariantName").value(variant).build()).build();
  }

  private static MetricJudgement metric(Judgement j, JudgeMetric m) {
    return j.metrics().stream().filter(x -> x.metric() == m).findFirst().orElseThrow();
  }

  /** Blue and a green that answers like blue (or scaled), 15 captured requests a minute each, 300 per window. */
  private static void liveTraffic(MotoServer moto, double greenScale, double greenLatencyMicros, int greenErrors) {
    Random r = new Random(7);
    double[] blue = r.doubles(300).map(u -> 20 + 8 * u).toArray();
    double[] green = r.doubles(300).map(u -> (20 + 8 * u) * greenScale).toArray();
    capture(moto, "v1", 15, i -> blue[i], i -> null);
    capture(moto, "v2", 15, i -> green[i], i -> null);
    metrics(moto, "v1", 900, m -> m % 10 == 0 ? 1 : 0, 4_000, r);
    metrics(moto, "v2", 100, m -> m < greenErrors ? 1 : 0, greenLatencyMicros, r);
  }

  @Test
  void greenLikeBluePasses(MotoServer moto) {
    try (ActivityTesting t = activities(moto, 100)) {
      liveTraffic(moto, 1.0, 4_000, 0);
      Judgement j = t.stub(JudgeActivities.class).judge(request(null));
      assertThat(j.verdict()).as(j.reason()).isEqualTo(Verdict.PASS);
      assertThat(j.score()).isEqualTo(100.0);
      MetricJudgement prediction = metric(j, JudgeMetric.PREDICTION);
      assertThat(prediction.verdict()).isEqualTo(Verdict.PASS);
      // every captured request of the window, none from before or after it (those answered 1e6)
      assertThat(prediction.blueSamples()).isEqualTo(300);
      assertThat(prediction.greenSamples()).isEqualTo(300);
      MetricJudgement errors = metric(j, JudgeMetric.ERROR_RATE);
      assertThat(errors.verdict()).isEqualTo(Verdict.PASS);
      assertThat(errors.blueSamples()).isEqualTo(900L * MINUTES);
      assertThat(errors.greenSamples()).isEqualTo(100L * MINUTES);
      assertThat(errors.blueValue()).isEqualTo(2.0 / (900 * MINUTES));
      // 20 per-minute averages are fewer than the default 50: said, not guessed
      assertThat(metric(j, JudgeMetric.LATENCY_P50).verdict()).isEqualTo(Verdict.INCONCLUSIVE);
      assertThat(metric(j, JudgeMetric.LATENCY_P50).detail())
          .isEqualTo("too few minutes of CloudWatch ModelLatency: blue 20, green 20 (minimum 50 each; SageMaker keeps"
              + " per-minute averages, not per-request latencies)");
      assertThat(metric(j, JudgeMetric.LATENCY_P99).verdict()).isEqualTo(Verdict.INCONCLUSIVE);
      assertThat(metric(j, JudgeMetric.LATENCY_P99).detail()).contains("taxi-prod-v2-latency-p99 guards it");
      assertThat(metric(j, JudgeMetric.PREDICTION_PAIRED).detail())
          .isEqualTo("none of 300 captured answers of v2 shares an inferenceId or eventId with blue's 300 (no shadow"
              + " traffic in this window, or the captures cannot be paired): no mirrored pairs");
  
      // a canary step says it is one: SageMaker has no paired canary, and the judgement says why instead of pairing
      Judgement canary = t.stub(JudgeActivities.class).judge(new JudgeRequest(ENDPOINT, "v1", "v2", FROM, TO,
          "canary 10% bake", null, Pairing.NONE));
      assertThat(metric(canary, JudgeMetric.PREDICTION_PAIRED).verdict()).isEqualTo(Verdict.INCONCLUSIVE);
      assertThat(metric(canary, JudgeMetric.PREDICTION_PAIRED).detail())
          .startsWith("SageMaker does not mirror canary traffic").contains("only in a shadow bake");
      assertThat(canary.verdict()).isEqualTo(Verdict.PASS);
      ShadowState paired = t.stub(JudgeActivities.class).startShadow(new ShadowRequest(ENDPOINT, "v1", true));
      assertThat(paired.mirroring()).isFalse();
      assertThat(paired.note()).isEqualTo(AwsJudgeActivitiesImpl.NO_PAIRED_CANARY);
    }
  }

  @Test
  void greenAnsweringTwentyPercentHigherFails(MotoServer moto) {
    try (ActivityTesting t = activities(moto, 100)) {
      liveTraffic(moto, 1.2, 4_000, 0);
      Judgement j = t.stub(JudgeActivities.class).judge(request(null));
      assertThat(j.verdict()).isEqualTo(Verdict.FAIL);
      assertThat(metric(j, JudgeMetric.PREDICTION).verdict()).isEqualTo(Verdict.FAIL);
      assertThat(metric(j, JudgeMetric.ERROR_RATE).verdict()).isEqualTo(Verdict.PASS);
      assertThat(j.reason()).contains("critical metric failed").contains("PREDICTION green median answer");
    }
  }

  @Test
  void errorsAndPerMinuteLatencyAreJudgedFromCloudWatch(MotoServer moto) {
    try (ActivityTesting t = activities(moto, 100)) {
      // green: 5xx in 12 of 20 minutes (0.6% against blue's 0.01%), and 50% slower minutes
      liveTraffic(moto, 1.0, 6_000, 12);
      JudgePolicy tenMinutes = new JudgePolicy(null, null, null, null, 10, null, null, null, null, null, null, null, null);
      Judgement j = t.stub(JudgeActivities.class).judge(request(tenMinutes));
      assertThat(j.verdict()).isEqualTo(Verdict.FAIL);
      MetricJudgement errors = metric(j, JudgeMetric.ERROR_RATE);
      assertThat(errors.verdict()).isEqualTo(Verdict.FAIL);
      assertThat(errors.greenValue()).isEqualTo(12.0 / 2000);
      MetricJudgement latency = metric(j, JudgeMetric.LATENCY_P50);
      assertThat(latency.verdict()).as(latency.detail()).isEqualTo(Verdict.FAIL);
      assertThat(latency.blueSamples()).isEqualTo(20);
      assertThat(latency.greenValue()).isBetween(5.0, 7.0); // milliseconds, from CloudWatch's microseconds
      assertThat(latency.detail()).startsWith("on per-minute ModelLatency averages (CloudWatch, 20 blue and 20 green"
          + " minutes; no per-request latency on SageMaker): green p50");
    }
  }

  @Test
  void nothingCapturedOrMeasuredIsInconclusiveWithTheCounts(MotoServer moto) {
    try (ActivityTesting t = activities(moto, 100)) {
      Judgement j = t.stub(JudgeActivities.class).judge(request(null));
      assertThat(j.verdict()).isEqualTo(Verdict.INCONCLUSIVE);
      assertThat(j.reason()).startsWith("too few samples: ERROR_RATE blue 0 / green 0");
      assertThat(metric(j, JudgeMetric.PREDICTION).detail())
          .isEqualTo("too few answers: blue 0, green 0 (minimum 50 each)");
      assertThat(metric(j, JudgeMetric.PREDICTION_PAIRED).detail())
          .isEqualTo("no captured answers of v2 in this window: no mirrored pairs");
    }
  }

  @Test
  void readingStopsAtTheCapAndSaysSo(MotoServer moto) {
    try (ActivityTesting t = activities(moto, 2)) {
      liveTraffic(moto, 1.0, 4_000, 0);
      Judgement j = t.stub(JudgeActivities.class).judge(request(null));
      // the file of the minute before the window (nothing in it), then the first five minutes: 75 of 300 answers
      assertThat(metric(j, JudgeMetric.PREDICTION).blueSamples()).isEqualTo(75);
      assertThat(j.reason()).contains("v1's capture read up to the cap (2 files, 75 answers): judged on the"
          + " window's first");
    }
  }

  @Test
  void mirroredAnswersPairByInferenceId(MotoServer moto) {
    try (ActivityTesting t = activities(moto, 100)) {
      Random r = new Random(11);
      double[] blue = r.doubles(300).map(u -> 20 + 8 * u).toArray();
      capture(moto, "v1", 15, i -> blue[i], i -> "req-" + i);
      // the shadow: the same requests, answered 20% higher; the distributions overlap, the pairs do not
      capture(moto, "v2", 15, i -> blue[i] * 1.2, i -> "req-" + i);
      // one mirrored request blue's capture missed
      put(moto, "v2", FROM.plusSeconds(600), "stray", line("stray", "req-x", FROM.plusSeconds(600), 24) + "\n");
      Judgement j = t.stub(JudgeActivities.class).judge(request(JudgePolicy.withShadow(java.time.Duration
          .ofMinutes(20))));
      assertThat(j.reason()).contains("1 of 301 captured answers of v2 had no counterpart among blue's (paired 300"
          + " rows)");
      MetricJudgement paired = metric(j, JudgeMetric.PREDICTION_PAIRED);
      assertThat(paired.verdict()).as(paired.detail()).isEqualTo(Verdict.FAIL);
      assertThat(paired.blueSamples()).isEqualTo(300);
      assertThat(j.verdict()).isEqualTo(Verdict.FAIL);
    }
    moto.reset();
    try (ActivityTesting t = activities(moto, 100)) {
      Random r = new Random(11);
      double[] blue = r.doubles(300).map(u -> 20 + 8 * u).toArray();
      capture(moto, "v1", 15, i -> blue[i], i -> "req-" + i);
      capture(moto, "v2", 15, i -> blue[i] * (1 + 0.001 * Math.sin(i)), i -> "req-" + i);
      Judgement j = t.stub(JudgeActivities.class).judge(request(null));
      assertThat(metric(j, JudgeMetric.PREDICTION_PAIRED).verdict()).isEqualTo(Verdict.PASS);
      assertThat(j.verdict()).isEqualTo(Verdict.PASS);
    }
  }

  @Test
  void aWindowThatIsNoWindowIsBadData(MotoServer moto) {
    try (ActivityTesting t = activities(moto, 100)) {
      JudgeRequest backwards = new JudgeRequest(ENDPOINT, "v1", "v2", TO, FROM, "bake", null);
      var f = ActivityTesting.failure(() -> t.stub(JudgeActivities.class).judge(backwards));
      assertThat(f.getType()).isEqualTo(Failures.BAD_DATA);
      assertThat(f.getOriginalMessage()).contains("is not a window");
    }
  }

  @Test
  void aMissingCaptureBucketIsAClearError(MotoServer moto) {
    AwsClients c = moto.clients();
    try (ActivityTesting t = new ActivityTesting(new AwsJudgeActivitiesImpl(c.sageMaker(), c.s3(), c.cloudWatch(),
        new StackDeployer(c.cloudFormation(), moto.config()), moto.config(), "s3://no-such-bucket/sd/datacapture"))) {
      var f = ActivityTesting.failure(() -> t.stub(JudgeActivities.class).judge(request(null)));
      assertThat(f.getType()).isEqualTo(Failures.NOT_FOUND);
      assertThat(f.getOriginalMessage()).startsWith("no bucket for data capture s3://no-such-bucket/sd/datacapture/"
          + ENDPOINT + "/v1/2026/12/03/09/");
    }
  }

  @Test
  void answersParseFromCsvJsonAndBase64() throws Exception {
    var json = new com.fasterxml.jackson.databind.ObjectMapper();
    assertThat(CapturedAnswers.predictions(json.readTree(
        "{\"observedContentType\":\"text/csv\",\"data\":\"1.5\\n2.5\",\"encoding\":\"CSV\"}"))).containsExactly(1.5,
        2.5);
    assertThat(CapturedAnswers.predictions(json.readTree("{\"observedContentType\":\"application/json\","
        + "\"data\":\"{\\\"predictions\\\":[{\\\"score\\\":0.25},{\\\"score\\\":0.75}]}\",\"encoding\":\"JSON\"}")))
        .containsExactly(0.25, 0.75);
    String b64 = Base64.getEncoder().encodeToString("3.25".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    assertThat(CapturedAnswers.predictions(json.readTree("{\"observedContentType\":\"text/csv\",\"data\":\"" + b64
        + "\",\"encoding\":\"BASE64\"}"))).containsExactly(3.25);
    assertThat(CapturedAnswers.parse("{\"captureData\":{\"endpointOutput\":{\"data\":\"oops\"}},"
        + "\"eventMetadata\":{\"eventId\":\"e\",\"inferenceTime\":\"2026-12-03T10:00:00Z\"}}")).isNull();
    CapturedAnswers.Answer a = CapturedAnswers.parse(line("e1", "req-1", FROM, 4.5));
    assertThat(a.id()).isEqualTo("req-1");
    assertThat(a.at()).isEqualTo(FROM);
    assertThat(CapturedAnswers.parse(line("e2", null, FROM, 4.5)).id()).isEqualTo("e2");
  }

  // ---- shadow on moto: no ShadowProductionVariants kept, so nothing changes and the state says why ----

  @Test
  void shadowOnMotoIsNotSupportedAndChangesNothing(MotoServer moto) {
    AwsClients c = moto.clients();
    StackDeployer stacks = new StackDeployer(c.cloudFormation(), moto.config());
    AwsEndpointActivitiesImpl endpoints = new AwsEndpointActivitiesImpl(c.sageMaker(), c.cloudWatch(), stacks,
        moto.config());
    try (ActivityTesting t = new ActivityTesting(endpoints, new AwsJudgeActivitiesImpl(c.sageMaker(), c.s3(),
        c.cloudWatch(), stacks, moto.config(), ROOT))) {
      EndpointActivities e = t.stub(EndpointActivities.class);
      e.createModel(new ModelSpec("taxi-v1", "taxi", "v1", "s3://safedeploy-test/sd/models/v1/model.tar.gz", 4.5));
      e.createModel(new ModelSpec("taxi-v2", "taxi", "v2", "s3://safedeploy-test/sd/models/v2/model.tar.gz", 4.2));
      e.addVariant(new VariantChange(ENDPOINT, "taxi", new VariantSpec("v1", "taxi-v1", "v1", 100, 1, null)));
      e.addVariant(new VariantChange(ENDPOINT, "taxi", new VariantSpec("v2", "taxi-v2", "v2", 0, 1, null)));
      String config = c.sageMaker().describeEndpoint(b -> b.endpointName(ENDPOINT)).endpointConfigName();
      var before = stacks.parameters(AwsEndpointActivitiesImpl.stackName(ENDPOINT));

      JudgeActivities judge = t.stub(JudgeActivities.class);
      ShadowState started = judge.startShadow(new ShadowRequest(ENDPOINT, "v2"));
      assertThat(started.mirroring()).isFalse();
      assertThat(started.note()).startsWith("SageMaker did not keep the ShadowProductionVariants of endpoint config "
          + ShadowVariants.configName(ENDPOINT, config, "v2")).endsWith(": no shadow step");
      assertThat(c.sageMaker().describeEndpoint(b -> b.endpointName(ENDPOINT)).endpointConfigName())
          .isEqualTo(config);
      assertThat(c.sageMaker().listEndpointConfigs().endpointConfigs())
          .noneSatisfy(s -> assertThat(s.endpointConfigName()).contains("-shadow-"));
      assertThat(stacks.parameters(AwsEndpointActivitiesImpl.stackName(ENDPOINT))).isEqualTo(before);

      ShadowState stopped = judge.stopShadow(new ShadowRequest(ENDPOINT, "v2"));
      assertThat(stopped.mirroring()).isFalse();
      assertThat(stopped.note()).isEqualTo("not mirroring");
      assertThat(judge.stopShadow(new ShadowRequest("taxi-gone", "v2")).note())
          .isEqualTo("endpoint taxi-gone is gone, and its shadow with it");
    }
  }

  @Test
  void shadowConfigNamesAreDeterministicAndShort() {
    String a = ShadowVariants.configName(ENDPOINT, "ProdEndpointConfig-abc", "v2");
    assertThat(a).isEqualTo(ShadowVariants.configName(ENDPOINT, "ProdEndpointConfig-abc", "v2"))
        .startsWith("taxi-prod-shadow-").isNotEqualTo(ShadowVariants.configName(ENDPOINT, "ProdEndpointConfig-abd",
            "v2"));
    assertThat(ShadowVariants.configName("x".repeat(63), "c", "v2")).hasSizeLessThanOrEqualTo(63);
  }

  static Instant minute(Instant t) {
    return t.truncatedTo(ChronoUnit.MINUTES);
  }
}
