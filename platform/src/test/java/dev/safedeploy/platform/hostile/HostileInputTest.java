package dev.safedeploy.platform.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.safedeploy.platform.api.AlarmDefinition;
import dev.safedeploy.platform.api.Endpoint;
import dev.safedeploy.platform.api.ModelRecord;
import dev.safedeploy.platform.api.Variant;
import dev.safedeploy.platform.client.ControlToken;
import dev.safedeploy.platform.client.PlatformClient;
import dev.safedeploy.platform.client.PlatformClientException;
import dev.safedeploy.platform.control.LocalPlatform;
import dev.safedeploy.platform.http.HttpLimits;
import dev.safedeploy.platform.serving.Router;
import dev.safedeploy.platform.testing.Archives;
import dev.safedeploy.platform.testing.RawHttp;
import dev.safedeploy.platform.testing.TestModels;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The probes, as an attacker would send them, each answered with an exact status, and production serving
 * after every one: a good 90/10 split on {@value #PROD}, through the router, without any token.
 */
@Tag("hostile")
class HostileInputTest {
  static final String PROD = "taxi-prod";
  static final String CANARY = "taxi-canary";

  @TempDir
  static Path home;
  static TestModels models;
  static LocalPlatform platform;
  static PlatformClient client;
  static String token;
  static String row;
  static URI control;
  static URI router;

  @BeforeAll
  static void start() {
    models = TestModels.get();
    row = models.sampleRow().trim();
    platform = LocalPlatform.start(TestModels.platformConfig(home));
    client = PlatformClient.forHome(platform.url(), platform.home());
    token = ControlToken.read(platform.home());
    control = platform.url();
    router = platform.routerUrl();
    client.createModel(new ModelRecord("taxi-v1", models.good.artifact().toString(), "taxi", "v1", 1.7, null));
    client.createModel(new ModelRecord("taxi-v2", models.good.artifact().toString(), "taxi", "v2", 1.6, null));
    client.createModel(new ModelRecord("taxi-v3", models.wrongLayout.artifact().toString(), "taxi", "v3", 1.6, null));
    client.createEndpoint(new Endpoint(PROD, "taxi", List.of(variant("v1", "taxi-v1", 90),
        variant("v2", "taxi-v2", 10)), null, null, null, null, null));
    // a canary that really is broken (trained on another layout), with no traffic weight, and its 5xx alarm
    client.createEndpoint(new Endpoint(CANARY, "taxi", List.of(variant("v1", "taxi-v1", 100),
        variant("v3", "taxi-v3", 0)), null, null, null, null, null));
    client.putAlarm(new AlarmDefinition("canary-v3-5xx", "Invocation5XXErrors", CANARY, "v3", "Sum", 60, 1, 1, 1,
        "GreaterThanOrEqualToThreshold", "notBreaching"));
  }

  @AfterAll
  static void stop() {
    platform.close();
  }

  static Variant variant(String name, String model, int weight) {
    return new Variant(name, model, weight, 1, null, null, null);
  }

  /** After every probe: production answers, with the split it had, and no model error was counted anywhere. */
  @AfterEach
  void productionKeepsServing() throws Exception {
    for (int i = 0; i < 5; i++) {
      RawHttp.Answer a = invoke(PROD, row, "text/csv", Map.of());
      assertThat(a.status()).as(a.body()).isEqualTo(200);
      assertThat(Double.parseDouble(a.body().trim())).isPositive();
    }
    assertThat(client.endpoint(PROD).variants()).extracting(Variant::weight).containsExactly(90, 10);
    assertThat(client.metrics(PROD, 3600).path("v1").path("Invocation5XXErrors").asLong()).isZero();
    assertThat(client.metrics(PROD, 3600).path("v2").path("Invocation5XXErrors").asLong()).isZero();
    assertThat(client.health().path("status").asText()).isEqualTo("ok");
  }

  static RawHttp.Answer invoke(String endpoint, String body, String type, Map<String, String> headers)
      throws IOException {
    Map<String, String> h = new LinkedHashMap<>(headers);
    if (type != null) {
      h.put("Content-Type", type);
    }
    return RawHttp.request(router, "POST", "/endpoints/" + endpoint + "/invocations", h,
        body.getBytes(StandardCharsets.UTF_8));
  }

  static RawHttp.Answer controlCall(String method, String path, String body, Map<String, String> headers)
      throws IOException {
    Map<String, String> h = new LinkedHashMap<>();
    h.put("Authorization", "Bearer " + token);
    h.put("Content-Type", "application/json");
    h.putAll(headers);
    h.values().removeIf(v -> v == null);
    return RawHttp.request(control, method, path, h, body == null ? null : body.getBytes(StandardCharsets.UTF_8));
  }

  // ---------------------------------------------------------------- the probes

  @Test
  void weightsThatOverflowAreRefused() throws Exception {
    for (String body : List.of("{\"weights\":{\"v1\":2147483647,\"v2\":1}}",
        "{\"weights\":{\"v1\":2147483647,\"v2\":2147483647}}", "{\"weights\":{\"v1\":4294967396,\"v2\":0}}",
        "{\"weights\":{\"v1\":-2147483648,\"v2\":100}}", "{\"weights\":{\"v1\":1e400,\"v2\":0}}")) {
      RawHttp.Answer a = controlCall("PUT", "/endpoints/" + PROD + "/weights", body, Map.of());
      assertThat(a.status()).as(body).isEqualTo(400);
      assertThat(a.body()).as(body).contains("BadRequest");
    }
  }

  @Test
  void anArchiveWithAGiganticEntryIsRefusedWithoutExhaustingTheHeap() throws Exception {
    // a header saying 2.2 GB, and more zeros behind it than the model limit: a few hundred KB on disk
    Path bomb = Archives.bomb(home.resolve("bombs/model.tar.gz"), "xgboost-model", 2_200_000_000L,
        (140L << 20));
    client.createModel(new ModelRecord("bomb", bomb.toString(), "taxi", "v9", 1.0, null));
    RawHttp.Answer a = controlCall("POST", "/endpoints/" + PROD + "/variants",
        "{\"name\":\"v9\",\"modelName\":\"bomb\",\"weight\":0,\"instanceCount\":1}", Map.of());
    assertThat(a.status()).isEqualTo(422);
    assertThat(a.body()).contains("ModelLoadFailed").contains("'xgboost-model' is larger than the limit of "
        + (128L << 20) + " bytes");
    assertThat(client.endpoint(PROD).variants()).extracting(Variant::name).containsExactly("v1", "v2");
  }

  @Test
  void aTrainPathOutsideTheDataRootsIsRefusedWithoutEchoingTheFile() throws Exception {
    for (String path : List.of("/etc/passwd", home + "/../../../etc/passwd", "/proc/self/environ")) {
      RawHttp.Answer a = controlCall("POST", "/training-jobs", "{\"name\":\"steal-" + Math.abs(path.hashCode())
          + "\",\"model\":\"taxi\",\"version\":\"v1\",\"trainPath\":\"" + path + "\",\"validationPath\":\"" + path
          + "\"}", Map.of());
      assertThat(a.status()).as(path).isEqualTo(400);
      assertThat(a.body()).contains("is outside the platform's data roots").doesNotContain("root:x:")
          .doesNotContain("PATH=");
    }
    assertThat(controlCall("POST", "/models", "{\"name\":\"passwd\",\"artifact\":\"/etc/passwd\"}", Map.of())
        .status()).isEqualTo(400);
    assertThat(controlCall("POST", "/processing-jobs", "{\"name\":\"p\",\"model\":\"taxi\",\"version\":\"v1\","
        + "\"baselinePath\":\"/etc/shadow\"}", Map.of()).status()).isEqualTo(400);
    assertThat(client.inventory().path("trainingJobs").path("count").asInt()).isZero();
  }

  @Test
  void theTargetVariantHeaderCannotForceTheCanaryInto500s() throws Exception {
    String four = row + ",7";
    for (int i = 0; i < 10; i++) {
      // the probe: steer to the canary with a wrong column count; the router routes by weight (v1, 100%)
      // and the rows are the caller's error there
      RawHttp.Answer wrong = invoke(CANARY, four, "text/csv", Map.of(Router.TARGET_VARIANT, "v3"));
      assertThat(wrong.status()).isEqualTo(400);
      assertThat(wrong.headers().get("x-sagemaker-variant")).isEqualTo("v1");
      RawHttp.Answer right = invoke(CANARY, row, "text/csv", Map.of(Router.TARGET_VARIANT, "v3",
          "Authorization", "Bearer not-the-token"));
      assertThat(right.status()).isEqualTo(200);
      assertThat(right.headers().get("x-sagemaker-variant")).isEqualTo("v1");
    }
    platform.evaluateAlarms();
    assertThat(client.alarm("canary-v3-5xx").state().state()).isNotEqualTo("ALARM");
    assertThat(client.metrics(CANARY, 3600).path("v3").path("Invocations").asLong()).isZero();
  }

  @Test
  void aCrossSitePostWithoutTheTokenIsRefused() throws Exception {
    Map<String, String> browser = new LinkedHashMap<>();
    browser.put("Origin", "http://evil.example");
    browser.put("Content-Type", "text/plain;charset=UTF-8");
    for (String[] call : List.of(new String[] {"PUT", "/endpoints/" + PROD + "/weights"},
        new String[] {"DELETE", "/endpoints/" + PROD}, new String[] {"POST", "/alarms"},
        new String[] {"DELETE", "/alarms/canary-v3-5xx"})) {
      RawHttp.Answer a = RawHttp.request(control, call[0], call[1], browser,
          "{\"weights\":{\"v1\":0,\"v2\":100}}".getBytes(StandardCharsets.UTF_8));
      assertThat(a.status()).as(call[0] + " " + call[1]).isEqualTo(401);
      assertThat(a.body()).contains("Unauthorized");
    }
    // with the token a text/plain body is still refused: only JSON changes anything
    RawHttp.Answer plain = controlCall("PUT", "/endpoints/" + PROD + "/weights",
        "{\"weights\":{\"v1\":0,\"v2\":100}}", Map.of("Content-Type", "text/plain"));
    assertThat(plain.status()).isEqualTo(415);
    assertThat(client.alarm("canary-v3-5xx")).isNotNull();
  }

  @Test
  void aRequestNamingAnotherHostIsRefused() throws Exception {
    for (String host : List.of("evil.example", "evil.example:" + control.getPort(), "127.0.0.1.nip.io", "0.0.0.0",
        "localhost.evil.example")) {
      RawHttp.Answer a = controlCall("DELETE", "/endpoints/" + PROD, null, Map.of("Host", host));
      assertThat(a.status()).as(host).isEqualTo(403);
      assertThat(a.body()).contains("Forbidden");
    }
  }

  @Test
  void slowHeaderClientsDoNotStallTheRouter() throws Exception {
    List<Socket> slow = new ArrayList<>();
    try {
      for (int i = 0; i < 300; i++) {
        Socket s = new Socket();
        s.connect(new InetSocketAddress(router.getHost(), router.getPort()), 5_000);
        OutputStream out = s.getOutputStream();
        out.write(("POST /endpoints/" + PROD + "/invocations HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
            .getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        slow.add(s);
      }
      for (int i = 0; i < 20; i++) {
        assertThat(invoke(PROD, row, "text/csv", Map.of()).status()).isEqualTo(200);
      }
      // and the server hangs up on them once their header deadline passes
      Socket first = slow.get(0);
      first.setSoTimeout((HttpLimits.MAX_HEADER_SECONDS + 10) * 1000);
      InputStream in = first.getInputStream();
      int got;
      try {
        got = in.read();
        while (got >= 0) {
          got = in.read();
        }
      } catch (SocketTimeoutException e) {
        throw new AssertionError("the router kept a slow-header connection open past its deadline", e);
      } catch (IOException e) {
        got = -1; // reset: closed too
      }
      assertThat(got).isEqualTo(-1);
    } finally {
      for (Socket s : slow) {
        s.close();
      }
    }
  }

  @Test
  void aClientTricklingItsBodyIsCutOffAtTheDeadline() throws Exception {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(router.getHost(), router.getPort()), 5_000);
      s.getOutputStream().write(("POST /endpoints/" + PROD + "/invocations HTTP/1.1\r\nHost: 127.0.0.1\r\n"
          + "Content-Type: text/csv\r\nContent-Length: 1000\r\n\r\n1,2").getBytes(StandardCharsets.ISO_8859_1));
      s.getOutputStream().flush();
      s.setSoTimeout((HttpLimits.MAX_RESPONSE_SECONDS + 15) * 1000);
      for (int i = 0; i < 5; i++) {
        assertThat(invoke(PROD, row, "text/csv", Map.of()).status()).isEqualTo(200);
      }
      RawHttp.Answer a;
      try {
        a = RawHttp.read(s.getInputStream());
      } catch (SocketTimeoutException e) {
        throw new AssertionError("the router kept a stalled body open past its deadline", e);
      }
      // cut off: closed, or answered as a failure, never served
      assertThat(a.status()).isIn(-1, 400, 500);
    }
  }

  // ---------------------------------------------------------------- malformed requests

  @Test
  void oversizedHeadersAndBodiesAreRefusedWithAnAnswer() throws Exception {
    RawHttp.Answer bigHeader = invoke(PROD, row, "text/csv", Map.of("X-Big", "a".repeat(40 * 1024)));
    assertThat(bigHeader.status()).isEqualTo(431);
    assertThat(bigHeader.body()).contains("more than the limit of " + HttpLimits.MAX_HEADER_BYTES);
    Map<String, String> many = new LinkedHashMap<>();
    for (int i = 0; i < 150; i++) {
      many.put("X-H" + i, "v");
    }
    assertThat(invoke(PROD, row, "text/csv", many).status()).isEqualTo(431);
    RawHttp.Answer controlHeader = controlCall("GET", "/health", null, Map.of("X-Big", "a".repeat(40 * 1024)));
    assertThat(controlHeader.status()).isEqualTo(431);
    // far past the limit: still answered, then the connection is closed (production is checked after the test)
    RawHttp.Answer huge = invoke(PROD, row, "text/csv", Map.of("X-Huge", "a".repeat(300 * 1024)));
    assertThat(huge.status()).isEqualTo(431);
    assertThat(huge.headers().get("connection")).isEqualTo("close");
    String big = "{\"name\":\"" + "x".repeat(2 << 20) + "\"}";
    RawHttp.Answer bigBody = controlCall("POST", "/models", big, Map.of());
    assertThat(bigBody.status()).isEqualTo(400);
    assertThat(bigBody.body()).contains("exceeds the limit").contains("\"type\":\"BadRequest\""); // an ApiError
    RawHttp.Answer bigInvocation = invoke(PROD, (row + "\n").repeat(600_000), "text/csv", Map.of());
    assertThat(bigInvocation.status()).isEqualTo(400);
    assertThat(bigInvocation.body()).contains("exceeds the limit");
  }

  @Test
  void malformedControlRequestsAre400WithTheReason() throws Exception {
    Map<String, String[]> probes = new LinkedHashMap<>();
    probes.put("bad JSON", new String[] {"POST", "/models", "{\"name\":", "malformed JSON body"});
    probes.put("unknown field", new String[] {"POST", "/models",
        "{\"name\":\"m\",\"artifactt\":\"/x\"}", "unknown field 'artifactt' in ModelRecord"});
    probes.put("array", new String[] {"POST", "/endpoints", "[]", "malformed JSON body"});
    probes.put("null", new String[] {"POST", "/alarms", "null", "request body is required"});
    probes.put("empty", new String[] {"POST", "/training-jobs", "", "malformed JSON body"});
    probes.put("wrong type", new String[] {"POST", "/alarms", "{\"name\":\"a\",\"periodSeconds\":\"soon\"}",
        "malformed JSON body"});
    probes.put("deep", new String[] {"POST", "/endpoints", "[".repeat(5000), "malformed JSON body"});
    probes.put("null variant", new String[] {"POST", "/endpoints",
        "{\"name\":\"e\",\"variants\":[null]}", "BadRequest"});
    probes.put("bad name", new String[] {"POST", "/models", "{\"name\":\"../../etc\",\"artifact\":\"/x\"}",
        "name '../../etc' is invalid"});
    probes.put("weights not an object", new String[] {"PUT", "/endpoints/" + PROD + "/weights",
        "{\"weights\":[1,2]}", "body must be"});
    probes.put("metrics window", new String[] {"GET", "/endpoints/" + PROD + "/metrics?seconds=soon", null,
        "seconds must be a number"});
    probes.put("bad escape", new String[] {"GET", "/endpoints/%zz", null, "malformed request target"});
    for (Map.Entry<String, String[]> p : probes.entrySet()) {
      String[] c = p.getValue();
      RawHttp.Answer a = controlCall(c[0], c[1], c[2], Map.of());
      assertThat(a.status()).as(p.getKey() + ": " + a.body()).isEqualTo(400);
      assertThat(a.body()).as(p.getKey()).contains(c[3]);
    }
    assertThat(RawHttp.request(router, "GET", "/endpoints/" + PROD + "/metrics?seconds=-1", Map.of(), null)
        .status()).isEqualTo(400);
    RawHttp.Answer garbage = RawHttp.exchange(router, "GARBAGE\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1),
        10_000);
    assertThat(garbage.status()).isEqualTo(400);
  }

  @Test
  void fuzzedControlBodiesAreNever5xx() throws Exception {
    Random r = new Random(42);
    List<String> paths = List.of("/training-jobs", "/processing-jobs", "/models", "/endpoints", "/alarms",
        "/monitoring-schedules", "/endpoints/" + CANARY + "/variants");
    for (int i = 0; i < 200; i++) {
      String body = Fuzz.json(r, 3);
      String path = paths.get(r.nextInt(paths.size()));
      RawHttp.Answer a = controlCall("POST", path, body, Map.of());
      assertThat(a.status()).as(path + " " + body + " -> " + a.body()).isBetween(400, 499);
    }
    assertThat(client.endpoint(CANARY).variants()).extracting(Variant::name).containsExactly("v1", "v3");
  }

  @Test
  void fuzzedInvocationBodiesAreAnsweredAndNeverModelErrors() throws Exception {
    Random r = new Random(7);
    int ok = 0;
    for (int i = 0; i < 400; i++) {
      String type = r.nextBoolean() ? "text/csv" : "application/json";
      byte[] body = Fuzz.invocation(r, type, row);
      RawHttp.Answer a = RawHttp.request(router, "POST", "/endpoints/" + PROD + "/invocations",
          Map.of("Content-Type", type), body);
      assertThat(a.status()).as(type + " " + new String(body, StandardCharsets.UTF_8)).isIn(200, 400);
      ok += a.status() == 200 ? 1 : 0;
    }
    assertThat(ok).as("the corpus holds valid rows too").isPositive();
  }

  @Test
  void aClientHoldingTheTokenStillGetsBadRequestsRefused() {
    PlatformClientException e = org.assertj.core.api.Assertions.catchThrowableOfType(
        () -> client.setWeights(PROD, Map.of("v1", 2147483647, "v2", 1)), PlatformClientException.class);
    assertThat(e.status()).isEqualTo(400);
    assertThat(e.getMessage()).contains("0..100");
  }
}
