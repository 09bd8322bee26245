package dev.safedeploy.activities.local.activities;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.safedeploy.platform.api.DataCaptureConfig;
import dev.safedeploy.platform.api.Endpoint;
import dev.safedeploy.platform.api.ModelRecord;
import dev.safedeploy.platform.api.TrainingJob;
import dev.safedeploy.platform.api.Variant;
import dev.safedeploy.platform.client.PlatformClient;
import dev.safedeploy.platform.control.LocalPlatform;
import dev.safedeploy.platform.control.PlatformConfig;
import dev.safedeploy.platform.serving.GroundTruth;
import dev.safedeploy.platform.testing.TestModels;
import dev.safedeploy.workflows.activities.Failures;
import dev.safedeploy.workflows.activities.RetrainActivities;
import dev.safedeploy.workflows.activities.RetrainActivities.DataRequest;
import dev.safedeploy.workflows.activities.RetrainActivities.LiveModel;
import dev.safedeploy.workflows.activities.RetrainActivities.TrainingData;
import dev.safedeploy.workflows.pipeline.DataLocations;
import dev.safedeploy.workflows.pipeline.PipelineRequest;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestActivityEnvironment;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/** The retrain adapter against a real platform: live model, next version, assembled data with capture + labels. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LocalRetrainActivitiesTest {
  @TempDir static Path home;
  static TestModels models;
  static LocalPlatform platform;
  static PlatformClient client;
  static TestActivityEnvironment env;
  static RetrainActivities retrain;
  static Path platformHome;

  @BeforeAll
  static void start() {
    models = TestModels.get();
    platformHome = home.resolve("platform");
    platform = LocalPlatform.start(PlatformConfig.of(platformHome).withDataRoots(java.util.List.of(models.dir, home)));
    client = PlatformClient.forHome(platform.url(), platform.home());
    env = TestActivityEnvironment.newInstance();
    env.registerActivitiesImplementations(new LocalRetrainActivitiesImpl(client, platform.home()));
    retrain = env.newActivityStub(RetrainActivities.class, ActivityOptions.newBuilder()
        .setStartToCloseTimeout(Duration.ofMinutes(2))
        .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build()).build());
  }

  @AfterAll
  static void stop() {
    env.close();
    platform.close();
  }

  static ApplicationFailure failure(Throwable t) {
    assertThat(t).isInstanceOf(ActivityFailure.class);
    return (ApplicationFailure) t.getCause();
  }

  static LiveModel live() {
    return retrain.liveModel("taxi");
  }

  @Test
  @Order(1)
  void nothingInProductionIsNotFound() {
    assertThatThrownBy(() -> retrain.liveModel("taxi"))
        .satisfies(t -> assertThat(failure(t).getType()).isEqualTo(Failures.NOT_FOUND))
        .satisfies(t -> assertThat(failure(t).getOriginalMessage()).contains("taxi-prod does not exist"));
    assertThatThrownBy(() -> retrain.nextVersion("taxi"))
        .satisfies(t -> assertThat(failure(t).getType()).isEqualTo(Failures.NOT_FOUND));
    assertThatThrownBy(() -> retrain.liveModel("Not A Model"))
        .satisfies(t -> assertThat(failure(t).getType()).isEqualTo(Failures.BAD_DATA));
  }

  @Test
  @Order(2)
  void liveModelFromTheTrainingJobWhenTheRunIsUnknown() throws Exception {
    Map<String, String> hp = Map.of("num_round", "5", "min_child_weight", "10");
    for (String v : List.of("v1", "v2")) {
      client.createTrainingJob(new TrainingJob("taxi-" + v + "-train", "taxi", v, models.data.train().toString(),
          models.data.validation().toString(), hp, null, null, null, null, null, null, null, null));
      client.createModel(new ModelRecord("taxi-" + v, models.good.artifact().toString(), "taxi", v, 1.0, null));
    }
    client.createEndpoint(new Endpoint("taxi-prod", "taxi", List.of(new Variant("v1", "taxi-v1", 100, 1, null, null,
        null)), new DataCaptureConfig(true, 100), null, null, null, null));
    LiveModel live = live();
    assertThat(live.version()).isEqualTo("v1");
    assertThat(live.data().train()).isEqualTo(models.data.train().toUri().toString());
    assertThat(live.data().baseline()).isEqualTo(models.data.baseline().toUri().toString());
    assertThat(live.data().test()).isEqualTo(models.data.test().toUri().toString());
    assertThat(live.hyperparameters()).containsEntry("num_round", "5");
    assertThat(live.policy()).isNull();
  }

  @Test
  @Order(3)
  void nextVersionCountsOnPastEveryVersionThatWasTrained() {
    // v2 was trained (and, say, rolled back); v1 is live: the next is v3
    assertThat(retrain.nextVersion("taxi")).isEqualTo("v3");
  }

  @Test
  @Order(4)
  void assemblyCopiesTheLiveDataAndARetryAdoptsIt() throws Exception {
    LiveModel live = live();
    TrainingData data = retrain.assembleData(new DataRequest("taxi", "v3", live, false));
    Path train = Path.of(URI.create(data.data().train()));
    assertThat(train).startsWith(platformHome.resolve("retrain-data").resolve("taxi-v3"));
    assertThat(Files.readAllLines(train)).isEqualTo(Files.readAllLines(models.data.train()));
    assertThat(Files.readAllLines(Path.of(URI.create(data.data().baseline()))))
        .isEqualTo(Files.readAllLines(models.data.baseline()));
    assertThat(data.capturedRows()).isZero();
    assertThat(data.description()).contains("taxi v1's data").contains("not used");
    long modified = Files.getLastModifiedTime(train).toMillis();
    TrainingData again = retrain.assembleData(new DataRequest("taxi", "v3", live, false));
    assertThat(again).isEqualTo(data);
    assertThat(Files.getLastModifiedTime(train).toMillis()).isEqualTo(modified);
    try (var list = Files.list(platformHome.resolve("retrain-data"))) {
      assertThat(list.map(p -> p.getFileName().toString()).toList()).containsExactly("taxi-v3");
    }
  }

  @Test
  @Order(5)
  void capturedRequestsWithGroundTruthAreAddedWhenAllowed() throws Exception {
    // 40 requests of 2 rows each through the router, half of them labelled later
    String[] rows = sampleRows(80);
    List<GroundTruth.Label> labels = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      String id = "req-" + i;
      String body = rows[2 * i] + "\n" + rows[2 * i + 1];
      assertThat(client.invoke("taxi-prod", null, "text/csv", body.getBytes(StandardCharsets.UTF_8), id).status())
          .isEqualTo(200);
      if (i % 2 == 0) {
        labels.add(new GroundTruth.Label(id, (10 + i) + "\n" + (11 + i)));
      }
    }
    labels.add(new GroundTruth.Label("req-1", "12.5")); // one label for a request of two rows: unusable
    assertThat(platform.capture().flush(5_000)).isTrue();
    client.putGroundTruth("taxi-prod", labels);

    LiveModel live = live();
    TrainingData data = retrain.assembleData(new DataRequest("taxi", "v4", live, true));
    assertThat(data.capturedRows()).isEqualTo(40);
    assertThat(data.description()).contains("40 captured production rows").contains("21 of 40 captured requests")
        .contains("2 rows unusable");
    // the captured rows train, target-first; validation and test stay the live version's (the gate's yardstick)
    List<String> train = Files.readAllLines(Path.of(URI.create(data.data().train())));
    assertThat(train).hasSize(Files.readAllLines(models.data.train()).size() + 40)
        .contains("10," + rows[0], "11," + rows[1]).doesNotContain("12.5," + rows[2]);
    assertThat(Files.readAllLines(Path.of(URI.create(data.data().validation()))))
        .isEqualTo(Files.readAllLines(models.data.validation()));
    assertThat(Files.readAllLines(Path.of(URI.create(data.data().test()))))
        .isEqualTo(Files.readAllLines(models.data.test()));
    assertThat(lines(data.data().baseline()) - Files.readAllLines(models.data.baseline()).size()).isEqualTo(40);
    List<String> baseline = Files.readAllLines(Path.of(URI.create(data.data().baseline())));
    assertThat(baseline.get(0)).isEqualTo(Files.readAllLines(models.data.baseline()).get(0))
        .startsWith("total_amount,");
    assertThat(baseline.subList(1, baseline.size())).isEqualTo(train);

    // a retrain from v4's data does not add the same requests again
    LiveModel fromV4 = new LiveModel("taxi", "v4", data.data(), live.hyperparameters(), null);
    TrainingData next = retrain.assembleData(new DataRequest("taxi", "v5", fromV4, true));
    assertThat(next.capturedRows()).isZero();
    assertThat(next.description()).contains("20 already in the live version's data");
    assertThat(lines(next.data().train())).isEqualTo(train.size());
  }

  @Test
  @Order(6)
  void nothingToTrainOnIsBadData() {
    LiveModel live = live();
    LiveModel missing = new LiveModel("taxi", "v1", new DataLocations(home.resolve("nope.csv").toUri().toString(),
        live.data().validation(), live.data().test(), live.data().baseline()), Map.of(), null);
    assertThatThrownBy(() -> retrain.assembleData(new DataRequest("taxi", "v6", missing, false)))
        .satisfies(t -> assertThat(failure(t).getType()).isEqualTo(Failures.BAD_DATA))
        .satisfies(t -> assertThat(failure(t).getOriginalMessage()).contains("nope.csv does not exist"));
    assertThatThrownBy(() -> retrain.assembleData(new DataRequest("taxi", "V6", live, false)))
        .satisfies(t -> assertThat(failure(t).getType()).isEqualTo(Failures.BAD_DATA));
    assertThat(platformHome.resolve("retrain-data").resolve("taxi-v6")).doesNotExist();
  }

  static long lines(String uri) throws Exception {
    return Files.readAllLines(Path.of(URI.create(uri))).size();
  }

  static String[] sampleRows(int n) throws Exception {
    List<String> test = Files.readAllLines(models.data.train());
    String[] out = new String[n];
    for (int i = 0; i < n; i++) {
      String line = test.get(i);
      out[i] = line.substring(line.indexOf(',') + 1);
    }
    return out;
  }
}
