package dev.safedeploy.platform.control;

import static org.assertj.core.api.Assertions.assertThat;

import dev.safedeploy.platform.api.AlarmDefinition;
import dev.safedeploy.platform.api.Endpoint;
import dev.safedeploy.platform.api.ModelRecord;
import dev.safedeploy.platform.api.Variant;
import dev.safedeploy.platform.client.PlatformClient;
import dev.safedeploy.platform.serving.Router;
import dev.safedeploy.platform.testing.RawHttp;
import dev.safedeploy.platform.testing.TestModels;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A client's mistakes are 4xx, steer nothing and alarm nothing; the model's own failures still do. */
class ClientErrorsTest {
  static final String EP = "taxi-prod";
  TestModels models;
  LocalPlatform platform;
  PlatformClient client;
  String row;

  @BeforeEach
  void start(@TempDir Path home) {
    models = TestModels.get();
    row = models.sampleRow().trim();
    platform = LocalPlatform.start(TestModels.platformConfig(home));
    client = PlatformClient.forHome(platform.url(), platform.home());
    client.createModel(new ModelRecord("good", models.good.artifact().toString(), "taxi", "v1", 1.7, null));
    client.createModel(new ModelRecord("wrong", models.wrongLayout.artifact().toString(), "taxi", "v2", 1.7, null));
  }

  @AfterEach
  void stop() {
    platform.close();
  }

  private RawHttp.Answer invoke(String body, Map<String, String> headers) throws Exception {
    URI router = platform.routerUrl();
    java.util.Map<String, String> h = new java.util.LinkedHashMap<>(headers);
    h.putIfAbsent("Content-Type", "text/csv");
    return RawHttp.request(router, "POST", "/endpoints/" + EP + "/invocations", h,
        body.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void wrongWidthsAndUnparseableRowsAre400AndNeverCountAsModelErrors() throws Exception {
    client.createEndpoint(new Endpoint(EP, "taxi", List.of(new Variant("v1", "good", 100, 1, null, null, null)),
        null, null, null, null, null));
    assertThat(client.endpoint(EP).inputWidth()).isEqualTo(3);
    client.putAlarm(new AlarmDefinition("v1-5xx", "Invocation5XXErrors", EP, "v1", "Sum", 60, 1, 1, 1,
        "GreaterThanOrEqualToThreshold", "notBreaching"));
    String two = row.substring(0, row.lastIndexOf(','));
    Map<String, String> probes = Map.of(
        two, "rows have 2 values; endpoint taxi-prod takes rows of 3 feature values",
        row + ",7", "rows have 4 values; endpoint taxi-prod takes rows of 3",
        row + "\n" + two, "row 2 has 2 values, row 1 has 3",
        "1,abc,3", "line 1, column 2: 'abc' is not a number",
        "1,2,--3", "line 1, column 3: '--3' is not a number");
    for (Map.Entry<String, String> p : probes.entrySet()) {
      for (int i = 0; i < 5; i++) {
        RawHttp.Answer a = invoke(p.getKey(), Map.of());
        assertThat(a.status()).as(p.getKey()).isEqualTo(400);
        assertThat(a.body()).as(p.getKey()).contains(p.getValue());
      }
    }
    platform.evaluateAlarms();
    assertThat(client.alarm("v1-5xx").state().state()).isNotEqualTo("ALARM");
    var m = client.metrics(EP, 60).path("v1");
    assertThat(m.path("Invocation5XXErrors").asLong()).isZero();
    assertThat(m.path("Invocation4XXErrors").asLong()).isEqualTo(25);
    assertThat(invoke(row, Map.of()).status()).isEqualTo(200);
  }

  @Test
  void aModelThatCannotTakeTheEndpointsLayoutIsStillAModelError() throws Exception {
    client.createEndpoint(new Endpoint(EP, "taxi", List.of(new Variant("v1", "good", 100, 1, null, null, null)),
        null, null, null, null, null));
    client.addVariant(EP, new Variant("v2", "wrong", 0, 1, null, null, null));
    assertThat(client.endpoint(EP).inputWidth()).isEqualTo(3); // the new variant must fit the traffic
    PlatformClient.Invocation inv = client.invoke(EP, "v2", "text/csv", row.getBytes(StandardCharsets.UTF_8));
    assertThat(inv.status()).isEqualTo(500);
    assertThat(inv.text()).contains("failed to predict").contains("expects 4 features");
    // a token holder testing v2 as itself (the pre-traffic hook, with v2's own sample rows) may use v2's layout
    assertThat(client.invoke(EP, "v2", "text/csv", (row + ",7").getBytes(StandardCharsets.UTF_8)).status())
        .isEqualTo(200);
    // everyone else is held to the endpoint's contract
    RawHttp.Answer publicFour = invoke(row + ",7", Map.of());
    assertThat(publicFour.status()).isEqualTo(400);
    assertThat(publicFour.body()).contains("endpoint taxi-prod takes rows of 3");
    client.setWeights(EP, Map.of("v1", 0, "v2", 100));
    client.removeVariant(EP, "v1");
    assertThat(client.endpoint(EP).inputWidth()).isEqualTo(4); // the layout moved with the models
    assertThat(client.invoke(EP, null, "text/csv", (row + ",7").getBytes(StandardCharsets.UTF_8)).status())
        .isEqualTo(200);
  }

  @Test
  void theTargetVariantHeaderIsIgnoredWithoutTheControlToken() throws Exception {
    client.createEndpoint(new Endpoint(EP, "taxi", List.of(new Variant("v1", "good", 100, 1, null, null, null),
        new Variant("v2", "wrong", 0, 1, null, null, null)), null, null, null, null, null));
    for (int i = 0; i < 10; i++) {
      RawHttp.Answer a = invoke(row, Map.of(Router.TARGET_VARIANT, "v2"));
      assertThat(a.status()).isEqualTo(200);
      assertThat(a.headers().get("x-sagemaker-variant")).isEqualTo("v1");
      RawHttp.Answer forged = invoke(row, Map.of(Router.TARGET_VARIANT, "v2", "Authorization", "Bearer guess"));
      assertThat(forged.status()).isEqualTo(200);
      assertThat(forged.headers().get("x-sagemaker-variant")).isEqualTo("v1");
    }
    assertThat(client.metrics(EP, 60).path("v2").path("Invocation5XXErrors").asLong()).isZero();
    assertThat(client.invoke(EP, "v2", "text/csv", row.getBytes(StandardCharsets.UTF_8)).variant()).isEqualTo("v2");
  }

  @Test
  void aRateAlarmNeedsItsMinimumSampleCount() throws Exception {
    client.createEndpoint(new Endpoint(EP, "taxi", List.of(new Variant("v1", "good", 100, 1, null, null, null),
        new Variant("v2", "wrong", 0, 1, null, null, null)), null, null, null, null, null));
    client.putAlarm(new AlarmDefinition("v2-5xx-rate", "Invocation5XXErrors", EP, "v2", "Average", 60, 1, 1, 0.5,
        "GreaterThanOrEqualToThreshold", "notBreaching", 10));
    byte[] body = row.getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < 9; i++) {
      assertThat(client.invoke(EP, "v2", "text/csv", body).status()).isEqualTo(500);
    }
    Thread.sleep(150); // past the bucket the last request went into, so all 9 are in the window
    platform.evaluateAlarms();
    assertThat(client.alarm("v2-5xx-rate").state().state()).isEqualTo("OK"); // 9 of 9 failed, but 9 < 10 samples
    assertThat(client.invoke(EP, "v2", "text/csv", body).status()).isEqualTo(500);
    // the bucket being written is not in the window yet: poll for the next one
    for (int i = 0; i < 100 && !"ALARM".equals(client.alarm("v2-5xx-rate").state().state()); i++) {
      Thread.sleep(20);
      platform.evaluateAlarms();
    }
    assertThat(client.alarm("v2-5xx-rate").state().state()).isEqualTo("ALARM");
    assertThat(client.alarm("v2-5xx-rate").state().reason()).contains("Average >= 0.5");
  }
}
