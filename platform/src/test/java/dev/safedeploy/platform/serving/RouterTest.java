package dev.safedeploy.platform.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.safedeploy.platform.api.DataCaptureConfig;
import dev.safedeploy.platform.api.Endpoint;
import dev.safedeploy.platform.api.ModelRecord;
import dev.safedeploy.platform.api.Variant;
import dev.safedeploy.platform.client.PlatformClient;
import dev.safedeploy.platform.control.LocalPlatform;
import dev.safedeploy.platform.testing.TestModels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RouterTest {
  @TempDir static Path home;
  static LocalPlatform platform;
  static PlatformClient client;
  static TestModels models;
  static byte[] row;

  @BeforeAll
  static void start() {
    models = TestModels.get();
    platform = LocalPlatform.start(TestModels.platformConfig(home).withMaxPayloadBytes(64 * 1024));
    client = PlatformClient.forHome(platform.url(), platform.home());
    client.createModel(new ModelRecord("good", models.good.artifact().toString(), "m", "v1", 5.0, null));
    client.createModel(new ModelRecord("wrong", models.wrongLayout.artifact().toString(), "m", "v2", 5.0, null));
    client.createEndpoint(new Endpoint("split", "m", List.of(
        new Variant("blue", "good", 90, 1, null, null, null),
        new Variant("green", "good", 10, 1, null, null, null)), DataCaptureConfig.disabled(), null, null, null,
        null));
    // the live layout is blue's (3 values); v2, trained on 4 features, takes all the traffic and cannot serve it
    client.createEndpoint(new Endpoint("broken", "m", List.of(new Variant("v1", "good", 0, 1, null, null, null),
        new Variant("v2", "wrong", 100, 1, null, null, null)), null, null, null, null, null));
    row = models.sampleRow().getBytes(StandardCharsets.UTF_8);
  }

  @AfterAll
  static void stop() {
    platform.close();
  }

  @Test
  void everyRequestIsKeptAsASampleWithItsLatencyStatusAndPrediction() {
    long since = System.currentTimeMillis();
    List<Double> answers = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      PlatformClient.Invocation inv = client.invoke("split", "green", "text/csv", row);
      assertThat(inv.status()).isEqualTo(200);
      answers.add(Double.parseDouble(inv.text().trim()));
    }
    var samples = client.samples("split", "green", since, System.currentTimeMillis() + 1);
    assertThat(samples.variants()).containsOnlyKeys("green");
    var green = samples.variants().get("green");
    assertThat(green.size()).isEqualTo(30);
    assertThat(green.status()).containsOnly(200);
    assertThat(java.util.Arrays.stream(green.latencyMicros()).min().orElse(0)).isPositive();
    assertThat(green.prediction()).containsExactlyElementsOf(answers);
    assertThat(green.truncated()).isFalse();
    assertThat(client.samples("split", null, since, System.currentTimeMillis() + 1).variants()).containsKey("green");
  }

  @Test
  void aShadowGetsAMirroredCopyWhileClientsOnlyEverGetTheServingVariant() throws Exception {
    client.createEndpoint(new Endpoint("mirrored", "m", List.of(
        new Variant("blue", "good", 100, 1, null, null, null),
        new Variant("green", "good", 0, 1, null, null, null)), DataCaptureConfig.disabled(), null, null, null,
        null));
    assertThatThrownBy(() -> client.setShadow("mirrored", "purple")).hasMessageContaining("has no variant purple");
    assertThat(client.setShadow("mirrored", "green").variant()).isEqualTo("green");
    long since = System.currentTimeMillis();
    for (int i = 0; i < 40; i++) {
      PlatformClient.Invocation inv = client.invoke("mirrored", null, "text/csv", row);
      assertThat(inv.status()).isEqualTo(200);
      assertThat(inv.variant()).isEqualTo("blue");
    }
    client.invoke("mirrored", "blue", "text/csv", row); // targeted (a hook's): not mirrored
    long deadline = System.nanoTime() + java.time.Duration.ofSeconds(20).toNanos();
    var samples = client.samples("mirrored", null, since, System.currentTimeMillis() + 1);
    while ((samples.shadowPairs().get("green") == null || samples.shadowPairs().get("green").size() < 40)
        && System.nanoTime() < deadline) {
      Thread.sleep(20);
      samples = client.samples("mirrored", null, since, System.currentTimeMillis() + 1);
    }
    assertThat(samples.variants().get("blue").size()).isEqualTo(41);
    assertThat(samples.variants().get("green").size()).isEqualTo(40);
    assertThat(samples.variants().get("green").status()).containsOnly(200);
    var pairs = samples.shadowPairs().get("green");
    assertThat(pairs.size()).isEqualTo(40);
    assertThat(pairs.shadow()).containsExactly(pairs.served()); // the same model answers the same rows alike

    assertThat(client.clearShadow("mirrored").variant()).isNull();
    long after = System.currentTimeMillis();
    client.invoke("mirrored", null, "text/csv", row);
    Thread.sleep(200); // a mirror, were there one, would have landed by now; none must
    assertThat(client.samples("mirrored", "green", after, System.currentTimeMillis() + 1).variants()
        .getOrDefault("green", null)).satisfiesAnyOf(g -> assertThat(g).isNull(), g -> assertThat(g.size()).isZero());
    client.deleteEndpoint("mirrored");
  }

  @Test
  void aSamplesQueryWithoutAWindowIsRefusedClearly() {
    assertThatThrownBy(() -> client.samples("split", null, 10, 5))
        .hasMessageContaining("until (5) is before since (10)");
    assertThatThrownBy(() -> client.samples("nowhere", null, 0, 5)).hasMessageContaining("nowhere");
  }

  @Test
  void weightsHoldOver10000RequestsAndEveryAnswerNamesItsVariant() throws Exception {
    Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();
    AtomicInteger bad = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> fs = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        fs.add(pool.submit(() -> {
          for (int i = 0; i < 2_500; i++) {
            PlatformClient.Invocation inv = client.invoke("split", null, "text/csv", row);
            if (inv.status() != 200 || !"split".equals(inv.endpoint()) || inv.variant() == null) {
              bad.incrementAndGet();
            } else {
              counts.computeIfAbsent(inv.variant(), v -> new AtomicInteger()).incrementAndGet();
            }
          }
        }));
      }
      for (Future<?> f : fs) {
        f.get(5, TimeUnit.MINUTES);
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(bad.get()).isZero();
    assertThat(counts.keySet()).containsExactlyInAnyOrder("blue", "green");
    // binomial(10000, 0.1): sd 30; 1,000 +- 150 is five standard deviations
    assertThat(counts.get("green").get()).isBetween(850, 1150);
    assertThat(counts.get("blue").get() + counts.get("green").get()).isEqualTo(10_000);
  }

  @Test
  void targetVariantHeaderPicksTheVariantWhateverItsWeight() {
    for (int i = 0; i < 20; i++) {
      PlatformClient.Invocation inv = client.invoke("split", "green", "text/csv", row);
      assertThat(inv.status()).isEqualTo(200);
      assertThat(inv.variant()).isEqualTo("green");
      assertThat(Double.parseDouble(inv.text().trim())).isPositive();
    }
    PlatformClient.Invocation unknown = client.invoke("split", "purple", "text/csv", row);
    assertThat(unknown.status()).isEqualTo(400);
    assertThat(unknown.text()).contains("purple");
  }

  @Test
  void modelServersHonourTheContainerContractDirectly() throws Exception {
    java.net.URI server = platform.modelServerUrl("split", "green");
    java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
    assertThat(http.send(java.net.http.HttpRequest.newBuilder(server.resolve("/ping")).GET().build(),
        java.net.http.HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
    java.net.http.HttpResponse<String> r = http.send(java.net.http.HttpRequest.newBuilder(
        server.resolve("/invocations")).header("Content-Type", "text/csv")
        .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(row)).build(),
        java.net.http.HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type")).hasValue("text/csv");
    assertThat(Double.parseDouble(r.body().trim())).isPositive();
    assertThat(platform.modelServerUrl("split", "purple")).isNull();
  }

  @Test
  void jsonPayloadsAnswerJson() throws Exception {
    String csv = new String(row, StandardCharsets.UTF_8);
    String body = "{\"instances\":[[" + csv + "],[" + csv + "]]}";
    PlatformClient.Invocation inv = client.invoke("split", null, "application/json", body.getBytes());
    assertThat(inv.status()).isEqualTo(200);
    assertThat(inv.contentType()).startsWith("application/json");
    JsonNode preds = dev.safedeploy.workflows.json.JsonMapping.mapper().readTree(inv.body()).path("predictions");
    assertThat(preds).hasSize(2);
    assertThat(preds.get(0).path("score").asDouble()).isEqualTo(preds.get(1).path("score").asDouble()).isPositive();
    PlatformClient.Invocation single = client.invoke("split", null, "application/json",
        ("{\"features\":[" + csv + "]}").getBytes());
    assertThat(single.status()).isEqualTo(200);
  }

  @Test
  void malformedAndOversizedPayloadsAre400AndDoNotHurtOtherRequests() {
    assertThat(client.invoke("split", "blue", "text/csv", "1.0,abc,3".getBytes()).status()).isEqualTo(400);
    assertThat(client.invoke("split", "blue", "text/csv", "1.0,abc,3".getBytes()).text()).contains("line 1, column 2");
    assertThat(client.invoke("split", "blue", "text/csv", new byte[0]).status()).isEqualTo(400);
    assertThat(client.invoke("split", "blue", "application/json", "{\"instances\":[[1,".getBytes()).status())
        .isEqualTo(400);
    assertThat(client.invoke("split", "blue", "application/x-protobuf", row).status()).isEqualTo(400);
    byte[] huge = new byte[200 * 1024];
    java.util.Arrays.fill(huge, (byte) '1');
    PlatformClient.Invocation big = client.invoke("split", "blue", "text/csv", huge);
    assertThat(big.status()).isEqualTo(400);
    assertThat(big.text()).contains("exceeds the limit");
    assertThat(client.invoke("nope", null, "text/csv", row).status()).isEqualTo(404);
    // the platform keeps serving
    assertThat(client.invoke("split", "blue", "text/csv", row).status()).isEqualTo(200);
    long now = System.currentTimeMillis();
    long e4 = platform.metrics().variant("split", "blue").window(now - 600_000, now + 1_000, false).errors4xx();
    assertThat(e4).isGreaterThanOrEqualTo(4);
  }

  @Test
  void aModelThatCannotTakeLiveRowsAnswers500AndCountsAs5xx() {
    PlatformClient.Invocation inv = client.invoke("broken", null, "text/csv", row);
    assertThat(inv.status()).isEqualTo(500);
    assertThat(inv.text()).contains("expects 4 features");
    assertThat(inv.variant()).isEqualTo("v2");
    JsonNode m = client.metrics("broken", 300);
    assertThat(m.path("v2").path("Invocation5XXErrors").asLong()).isGreaterThanOrEqualTo(1);
    assertThat(m.path("v2").path("ModelLatencyP99Micros").asDouble()).isPositive();
  }
}
