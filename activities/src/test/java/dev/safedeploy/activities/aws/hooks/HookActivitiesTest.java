package dev.safedeploy.activities.aws.hooks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.safedeploy.activities.aws.ActivityTesting;
import dev.safedeploy.activities.aws.MotoFixtures;
import dev.safedeploy.activities.aws.MotoServer;
import dev.safedeploy.activities.aws.MotoServerExtension;
import dev.safedeploy.workflows.activities.Failures;
import dev.safedeploy.workflows.activities.HookActivities;
import dev.safedeploy.workflows.activities.HookActivities.HookRequest;
import dev.safedeploy.workflows.activities.HookActivities.HookResult;
import io.temporal.failure.ApplicationFailure;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * moto: S3 (sample rows, capture objects) and InvokeEndpoint are real; moto's endpoint answers come from its result
 * queue (moto-api/static/sagemaker/endpoint-results), one per distinct request body.
 */
@ExtendWith(MotoServerExtension.class)
class HookActivitiesTest {

  private static final String SAMPLE = "s3://safedeploy-test/sd/data/taxi/v2/test.csv";
  private MotoServer moto;

  @BeforeEach
  void data(MotoServer moto) {
    this.moto = moto;
    var s3 = moto.clients().s3();
    s3.createBucket(b -> b.bucket(MotoServer.BUCKET));
    s3.putObject(b -> b.bucket(MotoServer.BUCKET).key("sd/data/taxi/v2/test.csv"),
        RequestBody.fromString("18.3,12.5,1,3.2\n9.8,6.0,2,1.1\n25.1,20.0,1,6.4\n"));
    MotoFixtures.endpoint(moto.clients().sageMaker(), "taxi-prod", "v1", 1f, "v2", 0f);
  }

  private ActivityTesting activities() {
    return activities(java.time.Clock.systemUTC());
  }

  private ActivityTesting activities(java.time.Clock clock) {
    return new ActivityTesting(new AwsHookActivitiesImpl(moto.clients().runtime(), moto.clients().sageMaker(),
        moto.clients().s3(), moto.config(), "s3://safedeploy-test/sd/datacapture", clock));
  }

  private void answers(String... bodies) {
    StringBuilder results = new StringBuilder("{\"results\": [");
    for (int i = 0; i < bodies.length; i++) {
      results.append(i == 0 ? "" : ",").append("{\"Body\": \"").append(bodies[i])
          .append("\", \"ContentType\": \"text/csv\", \"InvokedProductionVariant\": \"v2\"}");
    }
    moto.queueEndpointResults(results.append("]}").toString());
  }

  @Test
  void preTrafficPassesWhenEveryRowGetsOneNumber() {
    answers("18.9", "10.2", "24.0");
    try (ActivityTesting t = activities()) {
      HookResult r = t.stub(HookActivities.class).preTraffic(new HookRequest("taxi-prod", "v2", SAMPLE, 3, 5000));
      assertThat(r.passed()).as(r.reason()).isTrue();
      assertThat(r.invocations()).isEqualTo(3);
      assertThat(t.heartbeats).anySatisfy(h -> assertThat(h).contains("variant v2"));
    }
  }

  @Test
  void preTrafficFailsOnTheWrongShape() {
    answers("18.9", "10.2,11.0", "24.0");
    try (ActivityTesting t = activities()) {
      HookResult r = t.stub(HookActivities.class).preTraffic(new HookRequest("taxi-prod", "v2", SAMPLE, 3, 5000));
      assertThat(r.passed()).isFalse();
      assertThat(r.reason()).contains("sample row 2").contains("2 predictions for 1 row");
    }
  }

  @Test
  void smokeTestFailsOnNonNumericAnswers() {
    answers("not a number");
    try (ActivityTesting t = activities()) {
      HookResult r = t.stub(HookActivities.class).smokeTest(new HookRequest("taxi-prod", null, SAMPLE, 1, 5000));
      assertThat(r.passed()).isFalse();
      assertThat(r.reason()).contains("is not a number");
    }
  }

  /**
   * At 100% the check is the green variant's capture of requests made after the shift: capture of another endpoint,
   * of blue, or written before the check's own requests does not count. (moto stamps LastModified with the time of
   * the put; the hook's clock is moved instead.)
   */
  @Test
  void postTrafficNeedsTheServingVariantsCaptureWrittenSinceItsRequests() {
    answers("18.9", "10.2", "24.0");
    var sm = moto.clients().sageMaker();
    sm.updateEndpointWeightsAndCapacities(b -> b.endpointName("taxi-prod").desiredWeightsAndCapacities(
        w -> w.variantName("v1").desiredWeight(0f), w -> w.variantName("v2").desiredWeight(1f)));
    var s3 = moto.clients().s3();
    s3.putObject(b -> b.bucket(MotoServer.BUCKET).key("sd/datacapture/taxi-prod-old/v2/2026/11/26/19/capture.jsonl"),
        RequestBody.fromString("{}"));
    s3.putObject(b -> b.bucket(MotoServer.BUCKET).key("sd/datacapture/taxi-prod/v1/2026/11/26/19/blue.jsonl"),
        RequestBody.fromString("{}"));
    java.time.Instant now = java.time.Instant.now();
    try (ActivityTesting t = activities()) {
      HookResult none = t.stub(HookActivities.class).postTraffic(new HookRequest("taxi-prod", null, SAMPLE, 3, 5000));
      assertThat(none.passed()).isFalse();
      assertThat(none.reason()).contains("no data capture under s3://safedeploy-test/sd/datacapture/taxi-prod/v2/");
      assertThat(none.invocations()).as("the rows were sent first").isEqualTo(3);
    }
    String key = "sd/datacapture/taxi-prod/v2/" + java.time.format.DateTimeFormatter.ofPattern("yyyy/MM/dd/HH")
        .withZone(java.time.ZoneOffset.UTC).format(now) + "/12-34-56-789-abc.jsonl";
    s3.putObject(b -> b.bucket(MotoServer.BUCKET).key(key), RequestBody.fromString("{\"captureData\":{}}"));
    // the same file, seen by a check that started after it was written: from before the shift
    try (ActivityTesting t = activities(java.time.Clock.offset(java.time.Clock.systemUTC(),
        java.time.Duration.ofMinutes(30)))) {
      assertThat(t.stub(HookActivities.class).postTraffic(new HookRequest("taxi-prod", null, SAMPLE, 3, 5000))
          .passed()).isFalse();
    }
    // and by a check that started before it was written
    try (ActivityTesting t = activities(java.time.Clock.offset(java.time.Clock.systemUTC(),
        java.time.Duration.ofMinutes(-30)))) {
      HookResult ok = t.stub(HookActivities.class).postTraffic(new HookRequest("taxi-prod", null, SAMPLE, 3, 5000));
      assertThat(ok.passed()).as(ok.reason()).isTrue();
      assertThat(ok.reason()).contains("v2 captures them");
    }
  }

  @Test
  void malformedSampleRowsNameFileAndLine() {
    moto.clients().s3().putObject(b -> b.bucket(MotoServer.BUCKET).key("sd/data/bad.csv"),
        RequestBody.fromString("18.3,12.5,1,3.2\n9.8,six,2,1.1\n"));
    try (ActivityTesting t = activities()) {
      ApplicationFailure f = ActivityTesting.failure(() -> t.stub(HookActivities.class).smokeTest(
          new HookRequest("taxi-prod", null, "s3://safedeploy-test/sd/data/bad.csv", 5, 5000)));
      assertThat(f.getType()).isEqualTo(Failures.BAD_DATA);
      assertThat(f.getOriginalMessage()).contains("s3://safedeploy-test/sd/data/bad.csv line 2 column 2");
    }
  }

  /** The AWS adapter applies the shared hook rule (HookVerdictTest): its formats are accepted here too. */
  @Test
  void shapeRules() {
    assertThat(dev.safedeploy.workflows.activities.HookVerdict.answerProblem("{\"predictions\": [{\"score\": 12.5}]}",
        1)).isNull();
  }
}
