package dev.safedeploy.platform.client;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.safedeploy.platform.api.Alarm;
import dev.safedeploy.platform.api.AlarmDefinition;
import dev.safedeploy.platform.api.AlarmState;
import dev.safedeploy.platform.api.DataCaptureConfig;
import dev.safedeploy.platform.api.Endpoint;
import dev.safedeploy.platform.api.EndpointSamples;
import dev.safedeploy.platform.api.ModelRecord;
import dev.safedeploy.platform.api.MonitoringSchedule;
import dev.safedeploy.platform.api.ProcessingJob;
import dev.safedeploy.platform.api.Shadow;
import dev.safedeploy.platform.api.TrainingJob;
import dev.safedeploy.platform.api.Variant;
import dev.safedeploy.platform.api.WeightsConfirmation;
import dev.safedeploy.platform.serving.GroundTruth;
import dev.safedeploy.workflows.json.JsonMapping;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A small Java client of the local platform's control API (and of its router, for invocations). Errors the platform
 * answers become {@link PlatformClientException}; an unreachable platform is an {@link UncheckedIOException}, which
 * callers treat as retryable.
 */
public final class PlatformClient {
  static final ObjectMapper JSON = JsonMapping.mapper();

  /** A create's answer. */
  public record Created<T>(T resource, boolean created) {}

  /** One invocation through the router. */
  public record Invocation(int status, String endpoint, String variant, String contentType, byte[] body,
      long latencyNanos) {
    public String text() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  private final URI base;
  private final String authorization;
  private final HttpClient http;
  private volatile URI routerUrl;

  /**
   * @param token the platform's control token ({@link ControlToken}), sent on every call
   */
  public PlatformClient(URI base, String token) {
    if (token == null || token.isBlank()) {
      throw new IllegalArgumentException("the local platform's control token is required (" + ControlToken.FILE
          + " in its home, or " + ControlToken.ENV + ")");
    }
    this.authorization = ControlToken.bearer(token.trim());
    this.base = URI.create(base.toString().endsWith("/") ? base.toString() : base + "/");
    this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5)).build();
  }

  /** A client of the platform at base with the token in the platform's home, as the worker and the CLI do. */
  public static PlatformClient forHome(URI base, java.nio.file.Path platformHome) {
    return new PlatformClient(base, ControlToken.resolve(platformHome));
  }

  public URI base() {
    return base;
  }

  // ---- jobs and models

  public Created<TrainingJob> createTrainingJob(TrainingJob job) {
    return create("training-jobs", job, TrainingJob.class);
  }

  public TrainingJob trainingJob(String name) {
    return get("training-jobs/" + enc(name), TrainingJob.class);
  }

  /** The model's training jobs: every version of it that got as far as training. */
  public List<TrainingJob> trainingJobs(String model) {
    return list(send("GET", "training-jobs?model=" + enc(model), null).body(), TrainingJob.class);
  }

  public Created<ProcessingJob> createProcessingJob(ProcessingJob job) {
    return create("processing-jobs", job, ProcessingJob.class);
  }

  public ProcessingJob processingJob(String name) {
    return get("processing-jobs/" + enc(name), ProcessingJob.class);
  }

  public Created<ModelRecord> createModel(ModelRecord model) {
    return create("models", model, ModelRecord.class);
  }

  public ModelRecord model(String name) {
    return get("models/" + enc(name), ModelRecord.class);
  }

  /** Deletes the model; one already gone is success; refused (Conflict) while an endpoint serves it. */
  public void deleteModel(String name) {
    send("DELETE", "models/" + enc(name), null);
  }

  // ---- endpoints

  public Created<Endpoint> createEndpoint(Endpoint endpoint) {
    return create("endpoints", endpoint, Endpoint.class);
  }

  /** The endpoint, or null when it does not exist. */
  public Endpoint endpoint(String name) {
    try {
      return get("endpoints/" + enc(name), Endpoint.class);
    } catch (PlatformClientException e) {
      if (e.notFound()) {
        return null;
      }
      throw e;
    }
  }

  public Created<Endpoint> addVariant(String endpoint, Variant variant) {
    return create("endpoints/" + enc(endpoint) + "/variants", variant, Endpoint.class);
  }

  /** Returns the endpoint after the removal, null when that removed the endpoint (or it did not exist). */
  public Endpoint removeVariant(String endpoint, String variant) {
    JsonNode n = send("DELETE", "endpoints/" + enc(endpoint) + "/variants/" + enc(variant), null).body();
    if (n == null || n.has("deleted")) {
      return null;
    }
    return JSON.convertValue(n, Endpoint.class);
  }

  public void deleteEndpoint(String name) {
    send("DELETE", "endpoints/" + enc(name), null);
  }

  public WeightsConfirmation setWeights(String endpoint, Map<String, Integer> weights) {
    return convert(send("PUT", "endpoints/" + enc(endpoint) + "/weights", Map.of("weights", weights)).body(),
        WeightsConfirmation.class);
  }

  public Endpoint setDataCapture(String endpoint, DataCaptureConfig config) {
    return convert(send("PUT", "endpoints/" + enc(endpoint) + "/data-capture", config).body(), Endpoint.class);
  }

  /** Labels of captured requests, each by the InferenceId it was invoked with ({@link #invoke} with an id). */
  public void putGroundTruth(String endpoint, List<GroundTruth.Label> labels) {
    send("POST", "endpoints/" + enc(endpoint) + "/ground-truth", Map.of("labels", labels));
  }

  public JsonNode metrics(String endpoint, double windowSeconds) {
    try {
      HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(routerUrl().resolve("/endpoints/" + enc(endpoint)
          + "/metrics?seconds=" + windowSeconds)).timeout(Duration.ofSeconds(10)).header("Authorization", authorization)
          .GET().build(),
          HttpResponse.BodyHandlers.ofByteArray());
      return JSON.readTree(r.body());
    } catch (IOException e) {
      throw new UncheckedIOException("router at " + routerUrl + " unreachable: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /**
   * Per-request samples (latency, status, prediction) of the endpoint's variants in [sinceMillis, untilMillis); variant
   * null means every variant.
   */
  public EndpointSamples samples(String endpoint, String variant, long sinceMillis, long untilMillis) {
    return get("endpoints/" + enc(endpoint) + "/samples?since=" + sinceMillis + "&until=" + untilMillis
        + (variant == null ? "" : "&variant=" + enc(variant)), EndpointSamples.class);
  }

  /** Mirrors the endpoint's served traffic to {@code variant} (idempotent). */
  public Shadow setShadow(String endpoint, String variant) {
    return setShadow(endpoint, variant, false);
  }

  /**
   * Mirrors the endpoint's served traffic to {@code variant} (idempotent); with {@code pairsOnly} the variant's answers
   * are kept only as pairs with the served ones, not as its own traffic (the paired canary's reference).
   */
  public Shadow setShadow(String endpoint, String variant, boolean pairsOnly) {
    Map<String, Object> body = new java.util.LinkedHashMap<>();
    body.put("variant", variant);
    body.put("pairsOnly", pairsOnly);
    return convert(send("PUT", "endpoints/" + enc(endpoint) + "/shadow", body).body(), Shadow.class);
  }

  /** Stops mirroring the endpoint's traffic; none is a no-op. */
  public Shadow clearShadow(String endpoint) {
    return convert(send("DELETE", "endpoints/" + enc(endpoint) + "/shadow", null).body(), Shadow.class);
  }

  // ---- alarms and monitoring

  public Created<Alarm> putAlarm(AlarmDefinition definition) {
    return create("alarms", definition, Alarm.class);
  }

  /** The alarm, or null when it does not exist. */
  public Alarm alarm(String name) {
    try {
      return get("alarms/" + enc(name), Alarm.class);
    } catch (PlatformClientException e) {
      if (e.notFound()) {
        return null;
      }
      throw e;
    }
  }

  public void deleteAlarm(String name) {
    send("DELETE", "alarms/" + enc(name), null);
  }

  public AlarmState watch(String alarm, String workflowId) {
    return convert(send("PUT", "alarms/" + enc(alarm) + "/watchers/" + enc(workflowId), null).body(),
        AlarmState.class);
  }

  public void unwatch(String alarm, String workflowId) {
    send("DELETE", "alarms/" + enc(alarm) + "/watchers/" + enc(workflowId), null);
  }

  public Created<MonitoringSchedule> createSchedule(MonitoringSchedule schedule) {
    return create("monitoring-schedules", schedule, MonitoringSchedule.class);
  }

  /** The endpoint's drift-monitoring schedules. */
  public List<MonitoringSchedule> schedules(String endpoint) {
    return list(send("GET", "monitoring-schedules?endpoint=" + enc(endpoint), null).body(),
        MonitoringSchedule.class);
  }

  /** Deletes the schedule; one already gone is success. */
  public void deleteSchedule(String name) {
    try {
      send("DELETE", "monitoring-schedules/" + enc(name), null);
    } catch (PlatformClientException e) {
      if (!e.notFound()) {
        throw e;
      }
    }
  }

  public List<Alarm> alarms() {
    return list(send("GET", "alarms", null).body(), Alarm.class);
  }

  public JsonNode inventory() {
    return send("GET", "inventory", null).body();
  }

  public JsonNode health() {
    return send("GET", "health", null).body();
  }

  // ---- router

  public URI routerUrl() {
    URI r = routerUrl;
    if (r == null) {
      r = URI.create(health().path("routerUrl").asText());
      routerUrl = r;
    }
    return r;
  }

  /** Invokes the endpoint through the router, optionally targeting one variant. */
  public Invocation invoke(String endpoint, String targetVariant, String contentType, byte[] body) {
    return invoke(endpoint, targetVariant, contentType, body, null);
  }

  /** @param inferenceId recorded with the captured request, for ground truth to name it by (null: none) */
  public Invocation invoke(String endpoint, String targetVariant, String contentType, byte[] body,
      String inferenceId) {
    HttpRequest.Builder b = HttpRequest.newBuilder(routerUrl().resolve("/endpoints/" + enc(endpoint)
        + "/invocations")).timeout(Duration.ofSeconds(60)).header("Content-Type", contentType)
        .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (targetVariant != null) {
      // the router honours a target variant only from holders of the control token
      b.header("X-Amzn-SageMaker-Target-Variant", targetVariant).header("Authorization", authorization);
    }
    if (inferenceId != null) {
      b.header("X-Amzn-SageMaker-Inference-Id", inferenceId);
    }
    long started = System.nanoTime();
    try {
      HttpResponse<byte[]> r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
      return new Invocation(r.statusCode(), r.headers().firstValue("X-SageMaker-Endpoint").orElse(null),
          r.headers().firstValue("X-SageMaker-Variant").orElse(null),
          r.headers().firstValue("Content-Type").orElse(null), r.body(), System.nanoTime() - started);
    } catch (IOException e) {
      throw new UncheckedIOException("router at " + routerUrl + " unreachable: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  // ---- plumbing

  private record Reply(int status, String outcome, JsonNode body) {}

  private <T> Created<T> create(String path, Object body, Class<T> type) {
    Reply r = send("POST", path, body);
    return new Created<>(convert(r.body(), type), r.status() == 201);
  }

  private <T> T get(String path, Class<T> type) {
    return convert(send("GET", path, null).body(), type);
  }

  private static <T> T convert(JsonNode n, Class<T> type) {
    return n == null ? null : JSON.convertValue(n, type);
  }

  static <T> List<T> list(JsonNode n, Class<T> type) {
    JavaType t = JSON.getTypeFactory().constructCollectionType(List.class, type);
    return JSON.convertValue(n, t);
  }

  private Reply send(String method, String path, Object body) {
    try {
      HttpRequest.BodyPublisher pub = body == null ? HttpRequest.BodyPublishers.noBody()
          : HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body));
      HttpRequest req = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(60))
          .header("Content-Type", "application/json").header("Authorization", authorization)
          .method(method, pub).build();
      HttpResponse<byte[]> resp = http.send(req, HttpResponse.BodyHandlers.ofByteArray());
      JsonNode n = resp.body().length == 0 ? null : JSON.readTree(resp.body());
      if (resp.statusCode() >= 400) {
        String type = n == null ? "Internal" : n.path("type").asText("Internal");
        String message = n == null ? "HTTP " + resp.statusCode() : n.path("message").asText();
        throw new PlatformClientException(resp.statusCode(), type, message);
      }
      return new Reply(resp.statusCode(), resp.headers().firstValue("X-Safedeploy-Outcome").orElse(null), n);
    } catch (IOException e) {
      throw new UncheckedIOException("local platform at " + base + " unreachable (" + method + " " + path + "): "
          + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted calling the local platform", e);
    }
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
