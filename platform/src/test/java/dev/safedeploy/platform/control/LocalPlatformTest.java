package dev.safedeploy.platform.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.safedeploy.platform.api.AlarmDefinition;
import dev.safedeploy.platform.api.DataCaptureConfig;
import dev.safedeploy.platform.api.Endpoint;
import dev.safedeploy.platform.api.JobStatus;
import dev.safedeploy.platform.api.ModelRecord;
import dev.safedeploy.platform.api.TrainingJob;
import dev.safedeploy.platform.api.Variant;
import dev.safedeploy.platform.api.WeightsConfirmation;
import dev.safedeploy.platform.client.PlatformClient;
import dev.safedeploy.platform.client.PlatformClientException;
import dev.safedeploy.platform.testing.TestModels;
import dev.safedeploy.workflows.json.JsonMapping;
import dev.safedeploy.workflows.pipeline.AlarmSignal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalPlatformTest {
  static TestModels models;
  static byte[] row;

  @BeforeAll
  static void models() {
    models = TestModels.get();
    row = models.sampleRow().getBytes(StandardCharsets.UTF_8);
  }

  static Endpoint endpoint(String name, DataCaptureConfig dc, Variant... variants) {
    return new Endpoint(name, "m", List.of(variants), dc, null, null, null, null);
  }

  static Variant variant(String name, String model, int weight) {
    return new Variant(name, model, weight, 1, null, null, null);
  }

  @Test
  void aServedModelIsNotDeletedAndADeleteRacingAVariantNeverLeavesItServingAGoneModel(@TempDir Path home)
      throws Exception {
    try (LocalPlatform p = LocalPlatform.start(TestModels.platformConfig(home))) {
      String artifact = models.good.artifact().toString();
      p.createModel(new ModelRecord("r-v0", artifact, "r", "v0", 1.7, null));
      p.createEndpoint(endpoint("r-prod", null, variant("v0", "r-v0", 100)));
      // a variant without a model name, or of an unknown model, is refused before any lock is taken
      assertThatThrownBy(() -> p.addVariant("r-prod", variant("vx", null, 0))).isInstanceOf(PlatformException.class)
          .hasMessageContaining("model name is required")
          .satisfies(e -> assertThat(((PlatformException) e).status()).isEqualTo(400));
      assertThatThrownBy(() -> p.addVariant("r-prod", variant("vx", "r-nope", 0)))
          .isInstanceOf(PlatformException.class).hasMessageContaining("model r-nope does not exist")
          .satisfies(e -> assertThat(((PlatformException) e).status()).isEqualTo(404));
      assertThatThrownBy(() -> p.deleteModel("r-v0")).isInstanceOf(PlatformException.class)
          .hasMessageContaining("served by endpoint r-prod")
          .satisfies(e -> assertThat(((PlatformException) e).status()).isEqualTo(409));
      // a delete and an add of a variant serving the same model, started together: the delete either comes first
      // (the add then finds no model) or waits for the add and is refused; never a variant serving a deleted model
      java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
      try {
        for (int i = 1; i <= 12; i++) {
          String model = "r-v" + i;
          p.createModel(new ModelRecord(model, artifact, "r", "v" + i, 1.7, null));
          java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(2);
          String name = "v" + i;
          boolean pause = i % 2 == 0;
          java.util.concurrent.Future<?> add = pool.submit(() -> {
            start.await();
            return p.addVariant("r-prod", variant(name, model, 0));
          });
          java.util.concurrent.Future<?> delete = pool.submit(() -> {
            start.await();
            if (pause) {
              Thread.sleep(1); // both orders, roughly
            }
            p.deleteModel(model);
            return null;
          });
          Throwable addFailed = failure(add);
          Throwable deleteFailed = failure(delete);
          boolean served = p.endpoint("r-prod").variant(name) != null;
          boolean registered = registered(p, model);
          if (served) {
            assertThat(registered).as("round %d: variant added, so the model stays", i).isTrue();
            assertThat(deleteFailed).as("round %d", i).isInstanceOf(PlatformException.class)
                .hasMessageContaining("served by endpoint r-prod");
          } else {
            assertThat(registered).as("round %d: no variant, so the delete went first", i).isFalse();
            assertThat(addFailed).as("round %d", i).isInstanceOf(PlatformException.class)
                .hasMessageContaining(model);
          }
        }
      } finally {
        pool.shutdownNow();
      }
    }
  }

  private static boolean registered(LocalPlatform p, String model) {
    try {
      p.model(model);
      return true;
    } catch (PlatformException e) {
      assertThat(e.status()).isEqualTo(404);
      return false;
    }
  }

  private static Throwable failure(java.util.concurrent.Future<?> f) throws InterruptedException {
    try {
      f.get(60, java.util.concurrent.TimeUnit.SECONDS);
      return null;
    } catch (java.util.concurrent.ExecutionException e) {
      return e.getCause();
    } catch (java.util.concurrent.TimeoutException e) {
      throw new AssertionError("a platform call did not return within 60 s", e);
    }
  }

  @Test
  void restartRestoresEndpointsWeightsAlarmsAndInventory(@TempDir Path home) {
    try (LocalPlatform p = LocalPlatform.start(TestModels.platformConfig(home))) {
      PlatformClient c = PlatformClient.forHome(p.url(), p.home());
      c.createModel(new ModelRecord("m-v1", models.good.artifact().toString(), "m", "v1", 1.7, null));
      c.createModel(new ModelRecord("m-v2", models.good.artifact().toString(), "m", "v2", 1.6, null));
      c.createEndpoint(endpoint("m-prod", null, variant("v1", "m-v1", 100)));
      c.addVariant("m-prod", variant("v2", "m-v2", 0));
      WeightsConfirmation w = c.setWeights("m-prod", Map.of("v1", 70, "v2", 30));
      assertThat(w.weights()).containsEntry("v1", 70).containsEntry("v2", 30);
      assertThat(w.confirmedAt()).isNotNull();
      c.putAlarm(new AlarmDefinition("m-prod-v2-5xx", "Invocation5XXErrors", "m-prod", "v2", "Sum", 60, 1, 1, 1,
          "GreaterThanOrEqualToThreshold", "notBreaching"));
      c.watch("m-prod-v2-5xx", "deploy-m-v2");
    }
    try (LocalPlatform p = LocalPlatform.start(TestModels.platformConfig(home))) {
      PlatformClient c = PlatformClient.forHome(p.url(), p.home());
      Endpoint e = c.endpoint("m-prod");
      assertThat(e.status()).isEqualTo("InService");
      assertThat(e.variants()).extracting(Variant::name, Variant::weight)
          .containsExactly(org.assertj.core.groups.Tuple.tuple("v1", 70), org.assertj.core.groups.Tuple.tuple("v2", 30));
      PlatformClient.Invocation inv = c.invoke("m-prod", "v2", "text/csv", row);
      assertThat(inv.status()).isEqualTo(200);
      assertThat(Double.parseDouble(inv.text().trim())).isPositive();
      assertThat(c.alarm("m-prod-v2-5xx").state().watchers()).containsExactly("deploy-m-v2");
      JsonNode inventory = c.inventory();
      assertThat(inventory.at("/endpoints/count").asInt()).isEqualTo(1);
      assertThat(inventory.at("/endpoints/items/m-prod/created").asInt()).isEqualTo(1);
      assertThat(inventory.at("/endpoints/items/m-prod/variants/v2/created").asInt()).isEqualTo(1);
      assertThat(inventory.at("/endpoints/items/m-prod/variants/v2/weight").asInt()).isEqualTo(30);
      assertThat(inventory.at("/models/count").asInt()).isEqualTo(2);
    }
  }

  @Test
  void createsAreIdempotentByNameAndTheInventorySaysAdopted(@TempDir Path home) throws Exception {
    try (LocalPlatform p = LocalPlatform.start(TestModels.platformConfig(home))) {
      PlatformClient c = PlatformClient.forHome(p.url(), p.home());
      TrainingJob req = new TrainingJob("m-v1-train", "m", "v1", models.data.train().toString(),
          models.data.validation().toString(), Map.of("num_round", "5"), null, null, null, null, null, null, null,
          null);
      assertThat(c.createTrainingJob(req).created()).isTrue();
      assertThat(c.createTrainingJob(req).created()).isFalse();
      TrainingJob job = awaitTraining(c, "m-v1-train");
      assertThat(job.status()).isEqualTo(JobStatus.Completed);
      assertThat(job.validationRmse()).isPositive().isLessThan(10);
      assertThat(Path.of(job.artifact())).isRegularFile();
      assertThat(c.createTrainingJob(req).created()).isFalse();

      ModelRecord m = new ModelRecord("m-v1", job.artifact(), "m", "v1", job.validationRmse(), null);
      assertThat(c.createModel(m).created()).isTrue();
      assertThat(c.createModel(m).created()).isFalse();
      Endpoint dev = endpoint("m-dev-v1", null, variant("AllTraffic", "m-v1", 1));
      assertThat(c.createEndpoint(dev).created()).isTrue();
      assertThat(c.createEndpoint(dev).created()).isFalse();
      assertThat(c.addVariant("m-dev-v1", variant("AllTraffic", "m-v1", 1)).created()).isFalse();
      assertThatThrownBy(() -> c.createEndpoint(endpoint("m-dev-v1", null, variant("Other", "m-v1", 1))))
          .isInstanceOf(PlatformClientException.class).hasMessageContaining("exists with variants");

      JsonNode inv = c.inventory();
      assertThat(inv.at("/trainingJobs/count").asInt()).isEqualTo(1);
      assertThat(inv.at("/trainingJobs/items/m-v1-train/created").asInt()).isEqualTo(1);
      assertThat(inv.at("/trainingJobs/items/m-v1-train/adopted").asInt()).isEqualTo(2);
      assertThat(inv.at("/models/items/m-v1/adopted").asInt()).isEqualTo(1);
      assertThat(inv.at("/endpoints/items/m-dev-v1/created").asInt()).isEqualTo(1);
      assertThat(inv.at("/endpoints/items/m-dev-v1/adopted").asInt()).isEqualTo(1);
      assertThat(inv.at("/endpoints/items/m-dev-v1/variants/AllTraffic/adopted").asInt()).isEqualTo(1);

      c.deleteEndpoint("m-dev-v1");
      c.deleteEndpoint("m-dev-v1"); // already gone: success
      inv = c.inventory();
      assertThat(inv.at("/endpoints/count").asInt()).isZero();
      assertThat(inv.at("/endpoints/items/m-dev-v1/deleted").asInt()).isEqualTo(1);
      assertThat(c.invoke("m-dev-v1", null, "text/csv", row).status()).isEqualTo(404);
    }
  }

  @Test
  void aTrainingJobInterruptedByAStopRunsAgainUnderTheSameName(@TempDir Path home) throws Exception {
    TrainingJob stale = new TrainingJob("m-v9-train", "m", "v9", models.data.train().toString(),
        models.data.validation().toString(), Map.of("num_round", "5"), JobStatus.InProgress, null, null, null, null,
        null, java.time.Instant.now(), null);
    new StateStore(home.resolve("state")).save("training-jobs", "m-v9-train", stale);
    try (LocalPlatform p = LocalPlatform.start(TestModels.platformConfig(home))) {
      PlatformClient c = PlatformClient.forHome(p.url(), p.home());
      TrainingJob job = awaitTraining(c, "m-v9-train");
      assertThat(job.status()).isEqualTo(JobStatus.Completed);
      assertThat(c.createTrainingJob(stale).created()).isFalse();
    }
  }

  @Test
  void badTrainingDataFailsTheJobNamingTheFile(@TempDir Path home) throws Exception {
    Path garbage = home.resolve("garbage.csv");
    Files.writeString(garbage, "1,2,3,4\nnot,a,number,row\n");
    try (LocalPlatform p = LocalPlatform.start(TestModels.platformConfig(home))) {
      PlatformClient c = PlatformClient.forHome(p.url(), p.home());
      c.createTrainingJob(new TrainingJob("bad-train", "m", "v1", garbage.toString(), garbage.toString(), Map.of(),
          null, null, null, null, null, null, null, null));
      TrainingJob job = awaitTraining(c, "bad-train");
      assertThat(job.status()).isEqualTo(JobStatus.Failed);
      assertThat(job.failureReason()).startsWith("BadData").contains("garbage.csv");
    }
  }

  @Test
  void aCorruptStateFileIsNamedAndTheOthersAreRestored(@TempDir Path home) throws Exception {
    try (LocalPlatform p = LocalPlatform.start(TestModels.platformConfig(home))) {
      PlatformClient c = PlatformClient.forHome(p.url(), p.home());
      c.createModel(new ModelRecord("m-v1", models.good.artifact().toString(), "m", "v1", 1.7, null));
      c.createEndpoint(endpoint("a", null, variant("v1", "m-v1", 1)));
      c.createEndpoint(endpoint("b", null, variant("v1", "m-v1", 1)));
    }
    Path broken = home.resolve("state/endpoints/b.json");
    Files.writeString(broken, "{\"name\": \"b\", \"variants\": [");
    try (LocalPlatform p = LocalPlatform.start(TestModels.platformConfig(home))) {
      PlatformClient c = PlatformClient.forHome(p.url(), p.home());
      assertThat(p.corruptStateFiles().values()).singleElement().asString().contains(broken.toString());
      assertThat(c.health().path("corruptStateFiles").get(0).asText()).contains("b.json");
      assertThat(c.invoke("a", null, "text/csv", row).status()).isEqualTo(200);
      assertThatThrownBy(() -> c.endpoint("b")).isInstanceOf(PlatformClientException.class)
          .hasMessageContaining(broken.toString()).extracting(e -> ((PlatformClientException) e).type())
          .isEqualTo("CorruptState");
      // moved aside, not lost: the report says where
      assertThat(broken).doesNotExist();
      assertThat(c.health().path("quarantinedStateFiles")).singleElement().satisfies(q -> {
        assertThat(q.asText()).contains("state/.quarantine/endpoints/b.json.");
        assertThat(Files.readString(Path.of(q.asText()))).isEqualTo("{\"name\": \"b\", \"variants\": [");
        assertThat(p.corruptStateFiles().values().iterator().next()).contains(q.asText());
      });
    }
    // the next start does not trip over it again; the quarantine still lists it until the operator acts
    try (LocalPlatform p = LocalPlatform.start(TestModels.platformConfig(home))) {
      assertThat(p.corruptStateFiles()).isEmpty();
      assertThat(p.quarantinedStateFiles()).hasSize(1);
      PlatformClient c = PlatformClient.forHome(p.url(), p.home());
      assertThat(c.endpoint("b")).isNull();
      assertThat(c.invoke("a", null, "text/csv", row).status()).isEqualTo(200);
    }
  }

  @Test
  void aModelThatDoesNotLoadFailsTheEndpointWithTheReason(@TempDir Path home) {
    try (LocalPlatform p = LocalPlatform.start(TestModels.platformConfig(home))) {
      PlatformClient c = PlatformClient.forHome(p.url(), p.home());
      c.createModel(new ModelRecord("m-bad", models.unloadable.toString(), "m", "bad", 1.0, null));
      c.createModel(new ModelRecord("m-v1", models.good.artifact().toString(), "m", "v1", 1.7, null));
      Endpoint e = c.createEndpoint(endpoint("x", null, variant("bad", "m-bad", 1))).resource();
      assertThat(e.status()).isEqualTo("Failed");
      assertThat(e.failureReason()).contains("model.tar.gz").contains("not a readable tar.gz");
      assertThat(c.invoke("x", null, "text/csv", row).status()).isEqualTo(404);
      // adding an unloadable variant to a serving endpoint leaves it serving as it was
      c.createEndpoint(endpoint("y", null, variant("v1", "m-v1", 1)));
      assertThatThrownBy(() -> c.addVariant("y", variant("bad", "m-bad", 0)))
          .isInstanceOf(PlatformClientException.class).hasMessageContaining("not a readable tar.gz")
          .extracting(ex -> ((PlatformClientException) ex).type()).isEqualTo("ModelLoadFailed");
      assertThat(c.endpoint("y").variants()).extracting(Variant::name).containsExactly("v1");
      assertThat(c.invoke("y", null, "text/csv", row).status()).isEqualTo(200);
    }
  }

  @Test
  void dataCaptureWritesSageMakerJsonLines(@TempDir Path home) throws Exception {
    try (LocalPlatform p = LocalPlatform.start(TestModels.platformConfig(home))) {
      PlatformClient c = PlatformClient.forHome(p.url(), p.home());
      c.createModel(new ModelRecord("m-v1", models.good.artifact().toString(), "m", "v1", 1.7, null));
      c.createEndpoint(endpoint("cap", new DataCaptureConfig(true, 100), variant("v1", "m-v1", 1)));
      for (int i = 0; i < 5; i++) {
        assertThat(c.invoke("cap", null, "text/csv", row).status()).isEqualTo(200);
      }
      assertThat(c.invoke("cap", null, "text/csv", "x,y".getBytes()).status()).isEqualTo(400);
      assertThat(p.capture().flush(5_000)).isTrue();
      List<Path> files;
      try (Stream<Path> walk = Files.walk(home.resolve("capture/cap/v1"))) {
        files = walk.filter(f -> f.toString().endsWith(".jsonl")).toList();
      }
      assertThat(files).hasSize(1);
      Path rel = home.resolve("capture/cap/v1").relativize(files.get(0));
      assertThat(rel.toString()).matches("\\d{4}/\\d{2}/\\d{2}/\\d{2}/[^/]+\\.jsonl");
      List<String> lines = Files.readAllLines(files.get(0));
      assertThat(lines).hasSize(5); // the refused request is not captured
      JsonNode r = JsonMapping.mapper().readTree(lines.get(0));
      assertThat(r.at("/captureData/endpointInput/observedContentType").asText()).isEqualTo("text/csv");
      assertThat(r.at("/captureData/endpointInput/mode").asText()).isEqualTo("INPUT");
      assertThat(r.at("/captureData/endpointInput/encoding").asText()).isEqualTo("CSV");
      assertThat(r.at("/captureData/endpointInput/data").asText()).isEqualTo(new String(row));
      assertThat(r.at("/captureData/endpointOutput/mode").asText()).isEqualTo("OUTPUT");
      assertThat(Double.parseDouble(r.at("/captureData/endpointOutput/data").asText().trim())).isPositive();
      assertThat(r.at("/eventMetadata/eventId").asText()).hasSize(36);
      assertThat(java.time.Instant.parse(r.at("/eventMetadata/inferenceTime").asText())).isNotNull();
      assertThat(r.at("/eventVersion").asText()).isEqualTo("0");
    }
  }

  @Test
  void anErrorAlarmFiresFromRealInvocationsAndPushesToTheWatchingWorkflow(@TempDir Path home) throws Exception {
    List<String> pushed = new CopyOnWriteArrayList<>();
    List<AlarmSignal> signals = new CopyOnWriteArrayList<>();
    try (LocalPlatform p = LocalPlatform.start(TestModels.platformConfig(home).withAlarmTick(Duration.ofMillis(20))
        .withAlarmSink((wf, s) -> {
          pushed.add(wf);
          signals.add(s);
        }))) {
      PlatformClient c = PlatformClient.forHome(p.url(), p.home());
      c.createModel(new ModelRecord("m-v1", models.good.artifact().toString(), "m", "v1", 1.7, null));
      c.createModel(new ModelRecord("m-v2", models.wrongLayout.artifact().toString(), "m", "v2", 1.7, null));
      c.createEndpoint(endpoint("m-prod", null, variant("v1", "m-v1", 90), variant("v2", "m-v2", 10)));
      c.putAlarm(new AlarmDefinition("m-prod-v2-5xx", "Invocation5XXErrors", "m-prod", "v2", "Sum", 2, 1, 1, 1,
          "GreaterThanOrEqualToThreshold", "notBreaching"));
      c.watch("m-prod-v2-5xx", "deploy-m-v2");
      assertThat(c.invoke("m-prod", "v1", "text/csv", row).status()).isEqualTo(200);
      for (int i = 0; i < 100 && !"OK".equals(c.alarm("m-prod-v2-5xx").state().state()); i++) {
        Thread.sleep(20);
      }
      assertThat(c.alarm("m-prod-v2-5xx").state().state()).isEqualTo("OK");
      assertThat(c.invoke("m-prod", "v2", "text/csv", row).status()).isEqualTo(500);
      for (int i = 0; i < 250 && pushed.isEmpty(); i++) {
        Thread.sleep(20);
      }
      assertThat(pushed).containsExactly("deploy-m-v2");
      assertThat(signals.get(0).alarmName()).isEqualTo("m-prod-v2-5xx");
      assertThat(signals.get(0).reason()).contains("Invocation5XXErrors");
      assertThat(c.alarm("m-prod-v2-5xx").state().state()).isEqualTo("ALARM");
      assertThat(c.alarm("m-prod-v2-5xx").state().transitionedAt()).isEqualTo(signals.get(0).transitionedAt());
      // the rollback: one weight change, confirmed after the switch
      WeightsConfirmation w = c.setWeights("m-prod", Map.of("v1", 100, "v2", 0));
      assertThat(w.confirmedAt()).isAfterOrEqualTo(signals.get(0).transitionedAt());
      for (int i = 0; i < 50; i++) {
        assertThat(c.invoke("m-prod", null, "text/csv", row).variant()).isEqualTo("v1");
      }
    }
  }

  static TrainingJob awaitTraining(PlatformClient c, String name) throws InterruptedException {
    TrainingJob job = c.trainingJob(name);
    for (int i = 0; i < 600 && job.status() == JobStatus.InProgress; i++) {
      Thread.sleep(100);
      job = c.trainingJob(name);
    }
    return job;
  }
}
