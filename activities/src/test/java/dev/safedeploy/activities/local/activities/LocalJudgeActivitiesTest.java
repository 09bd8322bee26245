package dev.safedeploy.activities.local.activities;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.safedeploy.platform.api.DataCaptureConfig;
import dev.safedeploy.platform.api.Endpoint;
import dev.safedeploy.platform.api.ModelRecord;
import dev.safedeploy.platform.api.Variant;
import dev.safedeploy.platform.client.PlatformClient;
import dev.safedeploy.platform.control.LocalPlatform;
import dev.safedeploy.platform.control.PlatformConfig;
import dev.safedeploy.platform.testing.TestModels;
import dev.safedeploy.workflows.activities.Failures;
import dev.safedeploy.workflows.judge.JudgeActivities;
import dev.safedeploy.workflows.judge.JudgeMetric;
import dev.safedeploy.workflows.judge.JudgePolicy;
import dev.safedeploy.workflows.judge.JudgeRequest;
import dev.safedeploy.workflows.judge.Judgement;
import dev.safedeploy.workflows.judge.MetricJudgement;
import dev.safedeploy.workflows.judge.Verdict;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestActivityEnvironment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The local judge over real router samples: a real platform, real model servers, real requests. */
class LocalJudgeActivitiesTest {
  @TempDir static Path home;
  static TestModels models;
  static LocalPlatform platform;
  static PlatformClient client;
  static TestActivityEnvironment env;
  static JudgeActivities judge;
  static List<byte[]> rows;

  @BeforeAll
  static void start() throws Exception {
    models = TestModels.get();
    platform = LocalPlatform.start(PlatformConfig.of(home).withDataRoots(java.util.List.of(models.dir, home)));
    client = PlatformClient.forHome(platform.url(), platform.home());
    client.createModel(new ModelRecord("good", models.good.artifact().toString(), "m", "v1", 5.0, null));
    client.createModel(new ModelRecord("wrong", models.wrongLayout.artifact().toString(), "m", "v2", 5.0, null));
    client.createEndpoint(new Endpoint("same", "m", List.of(new Variant("v1", "good", 90, 1, null, null, null),
        new Variant("v2", "good", 10, 1, null, null, null)), DataCaptureConfig.disabled(), null, null, null, null));
    client.createEndpoint(new Endpoint("broken", "m", List.of(new Variant("v1", "good", 90, 1, null, null, null),
        new Variant("v2", "wrong", 10, 1, null, null, null)), DataCaptureConfig.disabled(), null, null, null, null));
    // the same training stopped after 2 rounds: answers far from blue's on the same rows, and no errors
    var underfit = dev.safedeploy.platform.training.XgbTrainer.train(models.data.train(), models.data.validation(),
        dev.safedeploy.workflows.pipeline.Hyperparameters.withDefaults(java.util.Map.of("num_round", "2",
            "min_child_weight", "10")), home.resolve("underfit"), r -> { });
    client.createModel(new ModelRecord("underfit", underfit.artifact().toString(), "m", "v3", 9.0, null));
    client.createEndpoint(new Endpoint("shadowed", "m", List.of(new Variant("v1", "good", 100, 1, null, null, null),
        new Variant("v2", "good", 0, 1, null, null, null)), DataCaptureConfig.disabled(), null, null, null, null));
    client.createEndpoint(new Endpoint("shadowed-worse", "m", List.of(
        new Variant("v1", "good", 100, 1, null, null, null), new Variant("v2", "underfit", 0, 1, null, null, null)),
        DataCaptureConfig.disabled(), null, null, null, null));
    // a canary where green serves real traffic (half, so that a few hundred requests give it enough rows)
    client.createEndpoint(new Endpoint("canary-same", "m", List.of(new Variant("v1", "good", 50, 1, null, null, null),
        new Variant("v2", "good", 50, 1, null, null, null)), DataCaptureConfig.disabled(), null, null, null, null));
    client.createEndpoint(new Endpoint("canary-worse", "m", List.of(
        new Variant("v1", "good", 50, 1, null, null, null), new Variant("v2", "underfit", 50, 1, null, null, null)),
        DataCaptureConfig.disabled(), null, null, null, null));
    rows = Files.readAllLines(models.data.test()).stream().limit(200)
        .map(l -> l.substring(l.indexOf(',') + 1).getBytes(StandardCharsets.UTF_8)).toList();
    assertThat(rows.size()).isGreaterThanOrEqualTo(JudgePolicy.defaults().minSamples());
    env = TestActivityEnvironment.newInstance();
    env.registerActivitiesImplementations(new LocalJudgeActivitiesImpl(client));
    judge = env.newActivityStub(JudgeActivities.class, ActivityOptions.newBuilder()
        .setStartToCloseTimeout(Duration.ofMinutes(1))
        .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build()).build());
  }

  @AfterAll
  static void stop() {
    env.close();
    platform.close();
  }

  /** Each row to blue and to green, alternating, so both variants see the same traffic. */
  static Instant[] traffic(String endpoint) {
    Instant from = Instant.now();
    for (byte[] row : rows) {
      client.invoke(endpoint, "v1", "text/csv", row);
      client.invoke(endpoint, "v2", "text/csv", row);
    }
    return new Instant[] {from, Instant.now().plusMillis(1)};
  }

  static JudgeRequest request(String endpoint, Instant[] window, JudgePolicy policy) {
    return new JudgeRequest(endpoint, "v1", "v2", window[0], window[1], "canary 10% bake", policy);
  }

  static MetricJudgement metric(Judgement j, JudgeMetric m) {
    return j.metrics().stream().filter(x -> x.metric() == m).findFirst().orElseThrow();
  }

  @Test
  void theSameModelOnTheSameTrafficPasses() {
    Instant[] window = traffic("same");
    // latency between two servers is a coin toss at this size; errors and answers are not
    JudgePolicy policy = JudgePolicy.defaults().withMetrics(List.of(JudgeMetric.ERROR_RATE, JudgeMetric.PREDICTION),
        null);
    Judgement j = judge.judge(request("same", window, policy));
    assertThat(j.verdict()).isEqualTo(Verdict.PASS);
    assertThat(j.score()).isEqualTo(100.0);
    MetricJudgement p = metric(j, JudgeMetric.PREDICTION);
    assertThat(p.blueSamples()).isEqualTo(rows.size());
    assertThat(p.greenSamples()).isEqualTo(rows.size());
    assertThat(p.pValue()).isEqualTo(1.0);
    assertThat(p.greenValue()).isEqualTo(p.blueValue());
    assertThat(metric(j, JudgeMetric.ERROR_RATE).detail())
        .startsWith("green 5xx 0.00% (0/" + rows.size() + ") vs blue 0.00% (0/" + rows.size() + ")");

    Judgement all = judge.judge(request("same", window, JudgePolicy.defaults()));
    assertThat(all.metrics()).extracting(MetricJudgement::metric).containsExactly(JudgeMetric.values());
    assertThat(metric(all, JudgeMetric.LATENCY_P50).blueSamples()).isEqualTo(rows.size());
    assertThat(metric(all, JudgeMetric.PREDICTION_PAIRED).verdict()).isEqualTo(Verdict.INCONCLUSIVE);
  }

  @Test
  void aGreenThatAnswersErrorsFailsWithTheEvidence() {
    Instant[] window = traffic("broken");
    Judgement j = judge.judge(request("broken", window, JudgePolicy.defaults()));
    assertThat(j.verdict()).isEqualTo(Verdict.FAIL);
    MetricJudgement errors = metric(j, JudgeMetric.ERROR_RATE);
    assertThat(errors.verdict()).isEqualTo(Verdict.FAIL);
    assertThat(errors.greenValue()).isEqualTo(1.0);
    assertThat(j.reason()).contains("ERROR_RATE green 5xx 100.00% (" + rows.size() + "/" + rows.size()
        + ") vs blue 0.00% (0/" + rows.size() + ")");
    // green answered nothing: no predictions to compare
    assertThat(metric(j, JudgeMetric.PREDICTION).verdict()).isEqualTo(Verdict.INCONCLUSIVE);
  }

  /** Untargeted requests, all served by v1 at 100%, mirrored to v2; returns once every pair has landed. */
  static Instant[] shadowTraffic(String endpoint) throws InterruptedException {
    Instant from = Instant.now();
    for (byte[] row : rows) {
      assertThat(client.invoke(endpoint, null, "text/csv", row).variant()).isEqualTo("v1");
    }
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline) {
      var pairs = client.samples(endpoint, null, from.toEpochMilli(), System.currentTimeMillis() + 1).shadowPairs()
          .get("v2");
      if (pairs != null && pairs.size() >= rows.size()) {
        break;
      }
      Thread.sleep(20);
    }
    return new Instant[] {from, Instant.now().plusMillis(1)};
  }

  @Test
  void shadowPairsPassTheSameModelAndFailOneThatAnswersDifferently() throws Exception {
    var shadow = new dev.safedeploy.workflows.judge.JudgeActivities.ShadowRequest("shadowed", "v2");
    assertThat(judge.startShadow(shadow).mirroring()).isTrue();
    assertThat(judge.startShadow(shadow).mirroring()).isTrue(); // idempotent
    Judgement same = judge.judge(request("shadowed", shadowTraffic("shadowed"), JudgePolicy.defaults()));
    MetricJudgement paired = metric(same, JudgeMetric.PREDICTION_PAIRED);
    assertThat(paired.verdict()).isEqualTo(Verdict.PASS);
    assertThat(paired.blueSamples()).isEqualTo(rows.size());
    assertThat(paired.pValue()).isEqualTo(1.0);
    assertThat(judge.stopShadow(shadow).mirroring()).isFalse();
    assertThat(client.samples("shadowed", null, 0, System.currentTimeMillis()).shadowPairs()).containsKey("v2");

    var worse = new dev.safedeploy.workflows.judge.JudgeActivities.ShadowRequest("shadowed-worse", "v2");
    judge.startShadow(worse);
    Judgement j = judge.judge(request("shadowed-worse", shadowTraffic("shadowed-worse"), JudgePolicy.defaults()));
    assertThat(metric(j, JudgeMetric.PREDICTION_PAIRED).verdict()).isEqualTo(Verdict.FAIL);
    assertThat(metric(j, JudgeMetric.ERROR_RATE).verdict()).isEqualTo(Verdict.PASS);
    assertThat(j.verdict()).isEqualTo(Verdict.FAIL);
    assertThat(j.reason()).contains("PREDICTION_PAIRED median |green − blue|");
    judge.stopShadow(worse);
    judge.stopShadow(worse); // stopping twice is fine
  }

  /** Live traffic by weight until green has served {@code greenRows}; returns the window and who served how many. */
  static long[] canaryTraffic(String endpoint, int greenRows, Instant[] window) throws InterruptedException {
    window[0] = Instant.now();
    long green = 0;
    long blue = 0;
    for (int i = 0; green < greenRows && i < 20 * greenRows; i++) {
      var inv = client.invoke(endpoint, null, "text/csv", rows.get(i % rows.size()));
      assertThat(inv.status()).isEqualTo(200);
      if (inv.variant().equals("v2")) {
        green++;
      } else {
        blue++;
      }
    }
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline) {
      var pairs = client.samples(endpoint, null, window[0].toEpochMilli(), System.currentTimeMillis() + 1)
          .shadowPairs().get("v1");
      if (pairs != null && pairs.size() >= green) {
        break;
      }
      Thread.sleep(20);
    }
    window[1] = Instant.now().plusMillis(1);
    return new long[] {blue, green};
  }

  @Test
  void aPairedCanaryJudgesGreensRowsAgainstBluesAnswersToTheSameRows() throws Exception {
    var same = new JudgeActivities.ShadowRequest("canary-same", "v1", true);
    assertThat(judge.startShadow(same).mirroring()).isTrue();
    Instant[] window = new Instant[2];
    long[] served = canaryTraffic("canary-same", 80, window);
    Judgement passed = judge.judge(new JudgeRequest("canary-same", "v1", "v2", window[0], window[1],
        "canary 50% bake", JudgePolicy.defaults(), dev.safedeploy.workflows.judge.Pairing.CANARY));
    MetricJudgement paired = metric(passed, JudgeMetric.PREDICTION_PAIRED);
    assertThat(paired.verdict()).as(paired.detail()).isEqualTo(Verdict.PASS);
    // one pair per request green served, none for blue's
    assertThat(paired.blueSamples()).isEqualTo(served[1]);
    assertThat(paired.greenSamples()).isEqualTo(served[1]);
    assertThat(paired.pValue()).isEqualTo(1.0);
    assertThat(paired.detail()).contains("on " + served[1] + " mirrored rows");
    // blue's own samples are the requests it served: its answers to green's rows are not its traffic
    assertThat(metric(passed, JudgeMetric.ERROR_RATE).blueSamples()).isEqualTo(served[0]);
    assertThat(metric(passed, JudgeMetric.ERROR_RATE).greenSamples()).isEqualTo(served[1]);
    judge.stopShadow(same);

    var worse = new JudgeActivities.ShadowRequest("canary-worse", "v1", true);
    judge.startShadow(worse);
    served = canaryTraffic("canary-worse", 200, window);
    Judgement failed = judge.judge(new JudgeRequest("canary-worse", "v1", "v2", window[0], window[1],
        "canary 50% bake", JudgePolicy.defaults(), dev.safedeploy.workflows.judge.Pairing.CANARY));
    MetricJudgement worsePaired = metric(failed, JudgeMetric.PREDICTION_PAIRED);
    assertThat(worsePaired.verdict()).as(worsePaired.detail()).isEqualTo(Verdict.FAIL);
    assertThat(worsePaired.blueSamples()).isEqualTo(served[1]);
    assertThat(metric(failed, JudgeMetric.ERROR_RATE).verdict()).isEqualTo(Verdict.PASS);
    assertThat(failed.verdict()).isEqualTo(Verdict.FAIL);
    assertThat(failed.reason()).contains("PREDICTION_PAIRED median |green − blue|");
    judge.stopShadow(worse);
  }

  @Test
  void aWindowWithoutTrafficIsInconclusive() {
    Instant long_ago = Instant.parse("2020-01-01T00:00:00Z");
    Judgement j = judge.judge(request("same", new Instant[] {long_ago, long_ago.plusSeconds(60)},
        JudgePolicy.defaults()));
    assertThat(j.verdict()).isEqualTo(Verdict.INCONCLUSIVE);
    assertThat(j.reason()).startsWith("too few samples: ERROR_RATE blue 0 / green 0");
  }

  @Test
  void anUnknownEndpointIsNotFoundAndNotRetried() {
    Instant now = Instant.now();
    assertThatThrownBy(() -> judge.judge(request("nowhere", new Instant[] {now, now.plusSeconds(1)},
        JudgePolicy.defaults()))).isInstanceOf(ActivityFailure.class).satisfies(t -> {
          ApplicationFailure f = (ApplicationFailure) t.getCause();
          assertThat(f.getType()).isEqualTo(Failures.NOT_FOUND);
          assertThat(f.isNonRetryable()).isTrue();
        });
  }
}
