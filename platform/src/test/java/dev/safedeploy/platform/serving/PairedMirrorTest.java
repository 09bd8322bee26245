package dev.safedeploy.platform.serving;

import static org.assertj.core.api.Assertions.assertThat;

import dev.safedeploy.platform.api.DataCaptureConfig;
import dev.safedeploy.platform.api.Endpoint;
import dev.safedeploy.platform.api.ModelRecord;
import dev.safedeploy.platform.api.PairedSamples;
import dev.safedeploy.platform.api.Variant;
import dev.safedeploy.platform.client.ControlToken;
import dev.safedeploy.platform.client.PlatformClient;
import dev.safedeploy.platform.control.LocalPlatform;
import dev.safedeploy.platform.testing.RawHttp;
import dev.safedeploy.platform.testing.TestModels;
import dev.safedeploy.platform.training.TrainedModel;
import dev.safedeploy.platform.training.XgbTrainer;
import dev.safedeploy.workflows.pipeline.Hyperparameters;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The paired canary's mirror: every request green serves is copied to blue after green has answered; the client gets
 * green's answer, blue's answer to the copy is kept only as a pair, and a full mirror queue drops copies, never
 * requests.
 */
class PairedMirrorTest {
  @TempDir static Path home;
  static TestModels models;
  static TrainedModel underfit;
  static LocalPlatform platform;
  static PlatformClient client;
  static List<byte[]> rows;

  @BeforeAll
  static void start() throws Exception {
    models = TestModels.get();
    // two rounds of the same training: answers unlike the good model's on the same rows
    underfit = XgbTrainer.train(models.data.train(), models.data.validation(),
        Hyperparameters.withDefaults(Map.of("num_round", "2", "min_child_weight", "10")), home.resolve("underfit"),
        r -> { });
    platform = LocalPlatform.start(TestModels.platformConfig(home).withDataRoots(List.of(models.dir, home)));
    client = PlatformClient.forHome(platform.url(), platform.home());
    client.createModel(new ModelRecord("good", models.good.artifact().toString(), "m", "v1", 5.0, null));
    client.createModel(new ModelRecord("underfit", underfit.artifact().toString(), "m", "v2", 9.0, null));
    rows = Files.readAllLines(models.data.test()).stream().limit(120)
        .map(l -> l.substring(l.indexOf(',') + 1).getBytes(StandardCharsets.UTF_8)).toList();
  }

  @AfterAll
  static void stop() {
    platform.close();
  }

  @Test
  void aPairsOnlyThatIsNotABooleanIsRefusedAndSetsNoMirror() throws Exception {
    client.createEndpoint(new Endpoint("refused", "m", List.of(new Variant("blue", "good", 50, 1, null, null, null),
        new Variant("green", "underfit", 50, 1, null, null, null)), DataCaptureConfig.disabled(), null, null, null,
        null));
    RawHttp.Answer a = RawHttp.request(platform.url(), "PUT", "/endpoints/refused/shadow", Map.of(
        "Authorization", "Bearer " + ControlToken.read(platform.home()), "Content-Type", "application/json"),
        "{\"variant\":\"blue\",\"pairsOnly\":\"yes\"}".getBytes(StandardCharsets.UTF_8));
    assertThat(a.status()).isEqualTo(400);
    // the control API's JSON error, the offending value quoted as it came
    assertThat(a.body()).contains("\"type\":\"BadRequest\"")
        .contains("pairsOnly must be true or false, got \\\"yes\\\"");
    assertThat(platform.shadow("refused").variant()).isNull();
  }

  @Test
  void everyRowGreenServesIsMirroredToBlueAndTheClientGetsGreensAnswer() throws Exception {
    client.createEndpoint(new Endpoint("paired", "m", List.of(new Variant("blue", "good", 50, 1, null, null, null),
        new Variant("green", "underfit", 50, 1, null, null, null)), DataCaptureConfig.disabled(), null, null, null,
        null));
    // each row's answer from each variant, asked directly (targeted calls are never mirrored)
    Map<String, Double> blueAnswer = new HashMap<>();
    Map<String, Double> greenAnswer = new HashMap<>();
    for (byte[] row : rows) {
      blueAnswer.put(new String(row, StandardCharsets.UTF_8), answer(client.invoke("paired", "blue", "text/csv", row)));
      greenAnswer.put(new String(row, StandardCharsets.UTF_8),
          answer(client.invoke("paired", "green", "text/csv", row)));
    }
    assertThat(client.setShadow("paired", "blue", true).pairsOnly()).isTrue();
    long since = System.currentTimeMillis();
    List<Double> greenServed = new ArrayList<>();
    List<Double> blueOfGreenServed = new ArrayList<>();
    int blueServed = 0;
    for (byte[] row : rows) {
      PlatformClient.Invocation inv = client.invoke("paired", null, "text/csv", row);
      assertThat(inv.status()).isEqualTo(200);
      String key = new String(row, StandardCharsets.UTF_8);
      if (inv.variant().equals("green")) {
        assertThat(answer(inv)).isEqualTo(greenAnswer.get(key)); // the client gets green's answer, not blue's
        greenServed.add(answer(inv));
        blueOfGreenServed.add(blueAnswer.get(key));
      } else {
        assertThat(answer(inv)).isEqualTo(blueAnswer.get(key));
        blueServed++;
      }
    }
    assertThat(greenServed).isNotEmpty();
    assertThat(blueServed).isPositive();
    PairedSamples pairs = awaitPairs("paired", "blue", since, greenServed.size());
    assertThat(pairs.size()).isEqualTo(greenServed.size()); // one pair per green-served row, none for blue's
    // the pool's two threads may land pairs out of request order: compare the (green, blue) pairs as a multiset
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < greenServed.size(); i++) {
      expected.add(greenServed.get(i) + " | " + blueOfGreenServed.get(i));
    }
    List<String> recorded = new ArrayList<>();
    for (int i = 0; i < pairs.size(); i++) {
      recorded.add(pairs.served()[i] + " | " + pairs.shadow()[i]);
    }
    assertThat(recorded).containsExactlyInAnyOrderElementsOf(expected);
    assertThat(recorded).isNotEqualTo(greenServed.stream().map(g -> g + " | " + g).toList()); // blue answers apart
    // blue's own samples are the clients it served: the copies are not its traffic
    var samples = client.samples("paired", null, since, System.currentTimeMillis() + 1);
    assertThat(samples.variants().get("blue").size()).isEqualTo(blueServed);
    assertThat(samples.variants().get("green").size()).isEqualTo(greenServed.size());
    assertThat(samples.shadowPairs()).doesNotContainKey("green");

    assertThat(client.clearShadow("paired").variant()).isNull();
    client.deleteEndpoint("paired");
  }

  @Test
  void aFullMirrorQueueDropsCopiesAndCountsThemWhileEveryRequestIsAnswered() throws Exception {
    MetricsRegistry metrics = new MetricsRegistry();
    ThreadPoolExecutor mirrors = new ThreadPoolExecutor(1, 1, 60, TimeUnit.SECONDS, new ArrayBlockingQueue<>(1));
    CountDownLatch release = new CountDownLatch(1);
    var executor = Executors.newCachedThreadPool();
    try (DataCapture capture = new DataCapture(home.resolve("capture-full"));
        ModelServer blue = ModelServer.start("blue", models.good.artifact(), "127.0.0.1", executor, 64 * 1024);
        ModelServer green = ModelServer.start("green", underfit.artifact(), "127.0.0.1", executor, 64 * 1024);
        Router router = new Router("127.0.0.1", 0, metrics, capture, 64 * 1024, 2, h -> false, mirrors)) {
      // the mirror pool's one thread is held and its one queue slot taken: every copy offered now is dropped
      mirrors.execute(() -> {
        try {
          release.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      });
      mirrors.execute(() -> { });
      router.update(RoutingTable.of("full", List.of(new RoutingTable.Route("blue", blue, 50),
          new RoutingTable.Route("green", green, 50)), DataCaptureConfig.disabled()));
      router.shadow("full", "blue", true);
      HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
      int greenServed = 0;
      int blueServed = 0;
      for (byte[] row : rows) {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(router.uri().resolve("/endpoints/full/invocations"))
            .header("Content-Type", "text/csv").POST(HttpRequest.BodyPublishers.ofByteArray(row)).build(),
            HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        String variant = r.headers().firstValue(Router.VARIANT_HEADER).orElseThrow();
        double expected = answer(green.invoke("text/csv", row, false).body());
        if (variant.equals("blue")) {
          blueServed++;
          expected = answer(blue.invoke("text/csv", row, false).body());
        } else {
          greenServed++;
        }
        assertThat(Double.parseDouble(r.body().trim())).isEqualTo(expected);
      }
      assertThat(greenServed).isPositive();
      assertThat(blueServed).isPositive();
      // every green-served row's copy was dropped, counted; blue-served rows are never copied
      assertThat(router.mirrorCounts()).containsExactly(0, greenServed);
      long now = System.currentTimeMillis();
      assertThat(metrics.samples("full", "blue", 0, now + 1).get("blue").size()).isEqualTo(blueServed);
      assertThat(metrics.pairs("full", 0, now + 1).getOrDefault("blue", new PairRing(1).between(0, 1)).size())
          .isZero();
    } finally {
      release.countDown();
      mirrors.shutdownNow();
      executor.shutdownNow();
    }
  }

  private static PairedSamples awaitPairs(String endpoint, String variant, long since, int n) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (true) {
      PairedSamples p = client.samples(endpoint, null, since, System.currentTimeMillis() + 1).shadowPairs()
          .get(variant);
      if ((p != null && p.size() >= n) || System.nanoTime() > deadline) {
        return p == null ? new PairedSamples(new long[0], new double[0], new double[0], false) : p;
      }
      Thread.sleep(20);
    }
  }

  private static double answer(PlatformClient.Invocation inv) {
    assertThat(inv.status()).isEqualTo(200);
    return Double.parseDouble(inv.text().trim());
  }

  private static double answer(byte[] body) {
    return Double.parseDouble(new String(body, StandardCharsets.UTF_8).trim());
  }
}
