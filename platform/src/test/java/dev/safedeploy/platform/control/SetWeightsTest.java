package dev.safedeploy.platform.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.safedeploy.platform.api.Endpoint;
import dev.safedeploy.platform.api.ModelRecord;
import dev.safedeploy.platform.api.Variant;
import dev.safedeploy.platform.client.ControlToken;
import dev.safedeploy.platform.client.PlatformClient;
import dev.safedeploy.platform.client.PlatformClientException;
import dev.safedeploy.platform.testing.TestModels;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A weight change is refused unless it is a whole split in percent, and a refused change leaves production serving the
 * split it had: the probes of issue 12 (int overflow, partial sets, bad sums, negatives) through the control API.
 */
class SetWeightsTest {
  static final String EP = "w-prod";
  static final Map<String, Integer> SERVING = Map.of("a", 90, "b", 10, "c", 0);

  @TempDir static Path home;
  static LocalPlatform platform;
  static PlatformClient client;
  static byte[] row;

  @BeforeAll
  static void start() {
    TestModels models = TestModels.get();
    row = models.sampleRow().getBytes(StandardCharsets.UTF_8);
    platform = LocalPlatform.start(TestModels.platformConfig(home));
    client = PlatformClient.forHome(platform.url(), platform.home());
    client.createModel(new ModelRecord("w-m", models.good.artifact().toString(), "w", "v1", 1.0, null));
    client.createEndpoint(new Endpoint(EP, "w", List.of(variant("a", 90), variant("b", 10), variant("c", 0)), null,
        null, null, null, null));
  }

  @AfterAll
  static void stop() {
    platform.close();
  }

  @AfterEach
  void productionStillServesItsSplit() {
    assertThat(client.endpoint(EP).variants()).extracting(Variant::name, Variant::weight).containsExactly(
        tuple("a", 90), tuple("b", 10), tuple("c", 0));
    // c stays at 0: no answer from it shows the refused split never reached the router
    for (int i = 0; i < 20; i++) {
      PlatformClient.Invocation inv = client.invoke(EP, null, "text/csv", row);
      assertThat(inv.status()).isEqualTo(200);
      assertThat(inv.variant()).isIn("a", "b");
    }
  }

  static Variant variant(String name, int weight) {
    return new Variant(name, "w-m", weight, 1, null, null, null);
  }

  static Map<String, Integer> weights(Object... kv) {
    Map<String, Integer> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], (Integer) kv[i + 1]);
    }
    return m;
  }

  static void refused(Map<String, Integer> weights, int status, String... message) {
    assertThatThrownBy(() -> client.setWeights(EP, weights)).isInstanceOfSatisfying(PlatformClientException.class,
        e -> {
          assertThat(e.status()).isEqualTo(status);
          assertThat(e.getMessage()).contains(message);
        });
  }

  @Test
  void weightsThatOverflowAnIntAreRefused() {
    // in int arithmetic 2147483647 + 2147483647 + 102 == 100: a sum that passes, a table that takes the endpoint down
    refused(weights("a", Integer.MAX_VALUE, "b", Integer.MAX_VALUE, "c", 102), 400,
        "weight of variant a must be a percentage in 0..100, got 2147483647");
    refused(weights("a", Integer.MAX_VALUE, "b", 1, "c", 0), 400, "0..100", "2147483647");
  }

  @Test
  void weightsOutsideTheIntRangeOrFractionalAreRefusedNotTruncated() throws Exception {
    for (String body : List.of("{\"weights\":{\"a\":4294967396,\"b\":0,\"c\":0}}",
        "{\"weights\":{\"a\":99.5,\"b\":0.5,\"c\":0}}", "{\"weights\":{\"a\":\"100\",\"b\":0,\"c\":0}}",
        "{\"weights\":{\"a\":null,\"b\":100,\"c\":0}}")) {
      HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
              URI.create(platform.url() + "/endpoints/" + EP + "/weights"))
          .header("Content-Type", "application/json")
          .header("Authorization", ControlToken.bearer(ControlToken.read(platform.home()))).PUT(HttpRequest.BodyPublishers.ofString(body)).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).as(body).isEqualTo(400);
      assertThat(r.body()).as(body).contains("BadRequest").contains("must be an integer percentage");
    }
  }

  @Test
  void aPartialSetIsRefused() {
    refused(weights("a", 100), 400, "leave variants [b, c] unnamed");
    refused(weights("a", 0, "b", 100), 400, "leave variants [c] unnamed");
  }

  @Test
  void aSumOtherThan100IsRefused() {
    refused(weights("a", 50, "b", 30, "c", 10), 400, "must add up to 100 percent, they add up to 90");
    refused(weights("a", 100, "b", 100, "c", 0), 400, "they add up to 200");
    refused(weights("a", 0, "b", 0, "c", 0), 400, "they add up to 0");
  }

  @Test
  void aNegativeWeightIsRefusedEvenWhenTheSumIs100() {
    refused(weights("a", 110, "b", -10, "c", 0), 400, "weight of variant a");
    refused(weights("a", 100, "b", -10, "c", 10), 400, "weight of variant b must be a percentage in 0..100, got -10");
  }

  @Test
  void anUnknownVariantIsNotFound() {
    refused(weights("a", 90, "b", 10, "c", 0, "d", 0), 404, "has no variant d (has [a, b, c])");
  }

  @Test
  void aWholeSplitIsAppliedAndCanBeSetBack() {
    assertThat(client.setWeights(EP, weights("a", 0, "b", 0, "c", 100)).weights())
        .isEqualTo(Map.of("a", 0, "b", 0, "c", 100));
    assertThat(client.invoke(EP, null, "text/csv", row).variant()).isEqualTo("c");
    assertThat(client.setWeights(EP, SERVING).weights()).isEqualTo(SERVING);
  }

  @Test
  void anEndpointOrVariantWithAWeightOutside0To100IsNotCreated() {
    assertThatThrownBy(() -> client.createEndpoint(new Endpoint("w-big", "w", List.of(variant("a", Integer.MAX_VALUE),
        variant("b", 1)), null, null, null, null, null))).isInstanceOfSatisfying(PlatformClientException.class,
            e -> assertThat(e.status()).isEqualTo(400));
    assertThat(client.endpoint("w-big")).isNull();
    assertThatThrownBy(() -> client.addVariant(EP, variant("d", 101)))
        .isInstanceOfSatisfying(PlatformClientException.class, e -> {
          assertThat(e.status()).isEqualTo(400);
          assertThat(e.getMessage()).contains("weight of variant d must be a percentage in 0..100, got 101");
        });
  }

  @Test
  void aStateFileWithAnOverflowingSplitIsReportedAndThePlatformStillStarts(@TempDir Path other) throws Exception {
    TestModels models = TestModels.get();
    try (LocalPlatform p = LocalPlatform.start(TestModels.platformConfig(other))) {
      PlatformClient c = PlatformClient.forHome(p.url(), p.home());
      c.createModel(new ModelRecord("w-m", models.good.artifact().toString(), "w", "v1", 1.0, null));
      c.createEndpoint(new Endpoint("old", "w", List.of(variant("a", 90), variant("b", 10)), null, null, null, null,
          null));
      c.createEndpoint(new Endpoint("fine", "w", List.of(variant("a", 100)), null, null, null, null, null));
    }
    // as an earlier version could have written it: {a: 2147483647, b: 1} wraps to a negative total
    Path file = other.resolve("state").resolve("endpoints").resolve("old.json");
    String json = Files.readString(file);
    Files.writeString(file, json.replaceFirst("\"weight\"\\s*:\\s*90", "\"weight\":2147483647")
        .replaceFirst("\"weight\"\\s*:\\s*10", "\"weight\":1"));
    assertThat(Files.readString(file)).contains("2147483647");
    try (LocalPlatform p = LocalPlatform.start(TestModels.platformConfig(other))) {
      PlatformClient c = PlatformClient.forHome(p.url(), p.home());
      Endpoint old = c.endpoint("old");
      assertThat(old.status()).isEqualTo("Failed");
      assertThat(old.failureReason()).contains("weight 2147483647, outside 0..100");
      assertThat(c.invoke("fine", null, "text/csv", row).status()).isEqualTo(200);
    }
  }
}
