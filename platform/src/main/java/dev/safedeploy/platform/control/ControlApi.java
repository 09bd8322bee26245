package dev.safedeploy.platform.control;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import dev.safedeploy.platform.api.AlarmDefinition;
import dev.safedeploy.platform.api.ApiError;
import dev.safedeploy.platform.api.DataCaptureConfig;
import dev.safedeploy.platform.api.Endpoint;
import dev.safedeploy.platform.api.ModelRecord;
import dev.safedeploy.platform.api.MonitoringSchedule;
import dev.safedeploy.platform.api.ProcessingJob;
import dev.safedeploy.platform.api.TrainingJob;
import dev.safedeploy.platform.api.Variant;
import dev.safedeploy.platform.http.NettyServer;
import dev.safedeploy.platform.http.Request;
import dev.safedeploy.platform.http.Response;
import dev.safedeploy.platform.serving.GroundTruth;
import dev.safedeploy.platform.serving.Router;
import dev.safedeploy.workflows.json.JsonMapping;
import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The platform's control API, JSON over HTTP. Creates answer 201 when they made the resource and 200 when they found
 * it (header {@code X-Safedeploy-Outcome: created|adopted}); errors answer an {@link ApiError}. Every request is
 * checked by {@link ControlAccess} first: loopback Host (403), the control token (401), JSON bodies (415).
 *
 * <pre>
 * GET  /health                              status, routerUrl, home, corruptStateFiles (this start),
 *                                           quarantinedStateFiles (moved aside, this start and earlier)
 * GET  /inventory                           per kind: count of existing, created/adopted/deleted per name
 * POST /training-jobs                       TrainingJob (name, model, version, trainPath, validationPath, hyperparameters)
 * GET  /training-jobs?model=m              the model's training jobs (every version it has had), by name
 * GET  /training-jobs/{name}
 * POST /processing-jobs                     ProcessingJob (name, model, version, baselinePath)
 * GET  /processing-jobs/{name}
 * POST /models                              ModelRecord (name, artifact, model, version, validationRmse)
 * GET|DELETE /models/{name}                 DELETE: 409 while an endpoint's variant serves it; absent: 204
 * POST /endpoints                           Endpoint (name, model, variants, dataCapture); answers once served
 * GET  /endpoints, GET|DELETE /endpoints/{name}
 * GET  /endpoints/{name}/metrics?seconds=60 per-variant invocations, 4xx, 5xx, latency p50/p99
 * GET  /endpoints/{name}/samples?since=MS[&until=MS][&variant=V]  per-request latency, status, prediction (the judge's)
 * PUT|GET|DELETE /endpoints/{name}/shadow   {"variant":"v2"}: mirror every served request to v2 asynchronously
 *                                           ({"pairsOnly":true}: v2's answers kept only as pairs, not as its traffic)
 * POST /endpoints/{name}/variants           Variant; DELETE /endpoints/{name}/variants/{variant}
 * PUT  /endpoints/{name}/weights            {"weights":{"v1":90,"v2":10}} -> WeightsConfirmation
 * PUT  /endpoints/{name}/data-capture       DataCaptureConfig
 * POST /endpoints/{name}/ground-truth       {"labels":[{"inferenceId":"..","data":"12.5"}]}: labels of captured requests
 * POST /alarms                              AlarmDefinition (PutMetricAlarm: create or update)
 * GET  /alarms, GET|DELETE /alarms/{name}, POST /alarms/evaluate
 * PUT|DELETE /alarms/{name}/watchers/{workflowId}
 * POST /monitoring-schedules                MonitoringSchedule; GET|DELETE /monitoring-schedules/{name}
 * GET  /monitoring-schedules?endpoint=e     the endpoint's schedules (every one without the parameter)
 * POST /monitoring-schedules/{name}/run     one drift check now
 * </pre>
 */
final class ControlApi implements AutoCloseable {
  static final String OUTCOME = "X-Safedeploy-Outcome";
  private static final Logger log = LoggerFactory.getLogger(ControlApi.class);
  private static final int MAX_BODY = 1 << 20;

  private final LocalPlatform p;
  private final ControlAccess access;
  /** Control calls that run at once; one more is answered 503 (each may load a model or write state). */
  private static final int MAX_CONCURRENT = 64;

  private final NettyServer server;
  private final ThreadPoolExecutor executor;

  ControlApi(LocalPlatform platform, ControlAccess access, String bindHost, int port) throws IOException {
    this.p = platform;
    this.access = access;
    this.executor = new ThreadPoolExecutor(4, MAX_CONCURRENT, 30, TimeUnit.SECONDS, new SynchronousQueue<>(), r -> {
      Thread t = new Thread(r, "control-api");
      t.setDaemon(true);
      return t;
    });
    // every call on the pool: control calls touch files and load models, never on an I/O thread
    this.server = NettyServer.start(bindHost, port, new NettyServer.Options("control API", MAX_BODY, -1, executor,
        refused -> reply(refused.status(), new ApiError(refused.status() >= 500 ? PlatformException.INTERNAL
            : PlatformException.BAD_REQUEST, new String(refused.body(), StandardCharsets.UTF_8)))), this::handle);
  }

  URI uri() {
    return server.uri();
  }

  private Response handle(Request r) {
    try {
      access.check(r.headers());
      Object answer = route(r);
      if (answer instanceof Outcome<?> o) {
        return reply(o.created() ? 201 : 200, o.resource())
            .withHeaders(Map.of(OUTCOME, o.created() ? "created" : "adopted"));
      } else if (answer == null) {
        return Response.empty(204);
      } else {
        return reply(200, answer);
      }
    } catch (PlatformException e) {
      return reply(e.status(), new ApiError(e.type(), e.getMessage()));
    } catch (UnrecognizedPropertyException e) {
      return reply(400, new ApiError(PlatformException.BAD_REQUEST, "unknown field '" + e.getPropertyName()
          + "' in " + e.getReferringClass().getSimpleName() + " (known: " + e.getKnownPropertyIds() + ")"));
    } catch (JsonProcessingException e) {
      return reply(400, new ApiError(PlatformException.BAD_REQUEST, "malformed JSON body: "
          + e.getOriginalMessage()));
    } catch (RuntimeException | IOException e) {
      log.error("control API {} {} failed", r.method(), r.uri(), e);
      return reply(500, new ApiError(PlatformException.INTERNAL, e.toString()));
    }
  }

  private Object route(Request ex) throws IOException {
    String m = ex.method();
    List<String> s = segments(ex.uri().getRawPath());
    String head = s.isEmpty() ? "" : s.get(0);
    int n = s.size();
    switch (head) {
      case "health":
        return Map.of("status", "ok", "routerUrl", p.routerUrl().toString(), "home", p.home().toString(),
            "corruptStateFiles", List.copyOf(p.corruptStateFiles().values()),
            "quarantinedStateFiles", p.quarantinedStateFiles());
      case "inventory":
        return p.inventory();
      case "training-jobs":
        if (n == 1 && m.equals("POST")) {
          return p.createTrainingJob(body(ex, TrainingJob.class));
        }
        if (n == 1 && m.equals("GET")) {
          return p.trainingJobs(query(ex, "model"));
        }
        if (n == 2 && m.equals("GET")) {
          return p.trainingJob(s.get(1));
        }
        break;
      case "processing-jobs":
        if (n == 1 && m.equals("POST")) {
          return p.createProcessingJob(body(ex, ProcessingJob.class));
        }
        if (n == 2 && m.equals("GET")) {
          return p.processingJob(s.get(1));
        }
        break;
      case "models":
        if (n == 1 && m.equals("POST")) {
          return p.createModel(body(ex, ModelRecord.class));
        }
        if (n == 2 && m.equals("GET")) {
          return p.model(s.get(1));
        }
        if (n == 2 && m.equals("DELETE")) {
          p.deleteModel(s.get(1));
          return null;
        }
        break;
      case "endpoints":
        return endpoints(ex, m, s);
      case "alarms":
        if (n == 1 && m.equals("POST")) {
          return p.putAlarm(body(ex, AlarmDefinition.class));
        }
        if (n == 1 && m.equals("GET")) {
          return p.alarms();
        }
        if (n == 2 && m.equals("GET")) {
          return p.alarm(s.get(1));
        }
        if (n == 2 && m.equals("DELETE")) {
          p.deleteAlarm(s.get(1));
          return null;
        }
        if (n == 2 && m.equals("POST") && s.get(1).equals("evaluate")) {
          p.evaluateAlarms();
          return p.alarms();
        }
        if (n == 4 && s.get(2).equals("watchers") && (m.equals("PUT") || m.equals("DELETE"))) {
          return p.watch(s.get(1), s.get(3), m.equals("PUT"));
        }
        break;
      case "monitoring-schedules":
        if (n == 1 && m.equals("POST")) {
          return p.createSchedule(body(ex, MonitoringSchedule.class));
        }
        if (n == 1 && m.equals("GET")) {
          return p.schedules(query(ex, "endpoint"));
        }
        if (n == 2 && m.equals("GET")) {
          return p.schedule(s.get(1));
        }
        if (n == 2 && m.equals("DELETE")) {
          p.deleteSchedule(s.get(1));
          return null;
        }
        if (n == 3 && m.equals("POST") && s.get(2).equals("run")) {
          return p.runMonitoringNow(s.get(1));
        }
        break;
      default:
        break;
    }
    throw PlatformException.notFound("no such API: " + m + " " + ex.uri().getPath());
  }

  private Object endpoints(Request ex, String m, List<String> s) throws IOException {
    int n = s.size();
    if (n == 1 && m.equals("POST")) {
      return p.createEndpoint(body(ex, Endpoint.class));
    }
    if (n == 1 && m.equals("GET")) {
      return p.endpoints();
    }
    String name = n > 1 ? s.get(1) : null;
    if (n == 2 && m.equals("GET")) {
      return p.endpoint(name);
    }
    if (n == 2 && m.equals("DELETE")) {
      p.deleteEndpoint(name);
      return null;
    }
    if (n == 3 && s.get(2).equals("metrics") && m.equals("GET")) {
      double seconds;
      try {
        seconds = Router.windowSeconds(ex.uri().getQuery());
      } catch (IllegalArgumentException e) {
        throw PlatformException.badRequest(e.getMessage());
      }
      p.endpoint(name);
      return p.metrics().snapshot(name, seconds, System.currentTimeMillis());
    }
    if (n == 3 && s.get(2).equals("samples") && m.equals("GET")) {
      Map<String, String> q = query(ex.uri().getRawQuery());
      long since = millis(q, "since", null);
      long until = millis(q, "until", System.currentTimeMillis() + 1);
      if (until < since) {
        throw PlatformException.badRequest("samples: until (" + until + ") is before since (" + since + ")");
      }
      p.endpoint(name);
      return p.samples(name, q.get("variant"), since, until);
    }
    if (n == 3 && s.get(2).equals("shadow")) {
      switch (m) {
        case "PUT" -> {
          JsonNode b = JsonMapping.mapper().readTree(readBody(ex));
          JsonNode pairsOnly = b == null ? null : b.get("pairsOnly");
          if (pairsOnly != null && !pairsOnly.isBoolean() && !pairsOnly.isNull()) {
            throw PlatformException.badRequest("pairsOnly must be true or false, got " + pairsOnly);
          }
          return p.setShadow(name, b == null ? null : b.path("variant").asText(null),
              pairsOnly != null && pairsOnly.asBoolean());
        }
        case "GET" -> {
          return p.shadow(name);
        }
        case "DELETE" -> {
          return p.clearShadow(name);
        }
        default -> {
          // falls through to not found
        }
      }
    }
    if (n == 3 && s.get(2).equals("variants") && m.equals("POST")) {
      return p.addVariant(name, body(ex, Variant.class));
    }
    if (n == 4 && s.get(2).equals("variants") && m.equals("DELETE")) {
      Endpoint e = p.removeVariant(name, s.get(3));
      return e == null ? Map.of("endpoint", name, "deleted", true) : e;
    }
    if (n == 3 && s.get(2).equals("weights") && m.equals("PUT")) {
      JsonNode w = JsonMapping.mapper().readTree(readBody(ex)).path("weights");
      if (!w.isObject()) {
        throw PlatformException.badRequest("body must be {\"weights\":{\"<variant>\":<weight>,...}}");
      }
      Map<String, Integer> weights = new LinkedHashMap<>();
      w.fields().forEachRemaining(f -> {
        // integral and in int range: 1.5 or 4294967396 must be refused, not truncated into a valid-looking weight
        if (!f.getValue().isIntegralNumber() || !f.getValue().canConvertToInt()) {
          throw PlatformException.badRequest("weight of " + f.getKey() + " must be an integer percentage, got "
              + f.getValue());
        }
        weights.put(f.getKey(), f.getValue().intValue());
      });
      return p.setWeights(name, weights);
    }
    if (n == 3 && s.get(2).equals("ground-truth") && m.equals("POST")) {
      return p.putGroundTruth(name, body(ex, GroundTruthBody.class).labels());
    }
    if (n == 3 && s.get(2).equals("data-capture") && m.equals("PUT")) {
      return p.setDataCapture(name, body(ex, DataCaptureConfig.class));
    }
    throw PlatformException.notFound("no such API: " + m + " " + ex.uri().getPath());
  }

  private static Map<String, String> query(String raw) {
    Map<String, String> out = new LinkedHashMap<>();
    if (raw == null || raw.isEmpty()) {
      return out;
    }
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      out.put(k, eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
    }
    return out;
  }

  private static long millis(Map<String, String> q, String key, Long fallback) {
    String v = q.get(key);
    if (v == null) {
      if (fallback == null) {
        throw PlatformException.badRequest("query parameter '" + key + "' (epoch milliseconds) is required");
      }
      return fallback;
    }
    try {
      return Long.parseLong(v);
    } catch (NumberFormatException e) {
      throw PlatformException.badRequest("query parameter '" + key + "' must be epoch milliseconds, got '" + v + "'");
    }
  }


  record GroundTruthBody(List<GroundTruth.Label> labels) {}

  private static String query(Request ex, String key) {
    String q = ex.uri().getRawQuery();
    if (q == null) {
      return null;
    }
    for (String kv : q.split("&")) {
      int eq = kv.indexOf('=');
      if (eq > 0 && kv.substring(0, eq).equals(key)) {
        return URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8);
      }
    }
    return null;
  }

  /** A request body: JSON of the type, fields it does not have refused (a typo is not silently a default). */
  private static <T> T body(Request ex, Class<T> type) throws IOException {
    T value = JsonMapping.mapper().readerFor(type).with(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .readValue(readBody(ex));
    if (value == null) {
      throw PlatformException.badRequest("request body is required");
    }
    return value;
  }

  /** The body, read whole by the server (bodies over {@value #MAX_BODY} bytes were answered 400 there). */
  private static byte[] readBody(Request ex) {
    return ex.body();
  }

  private static List<String> segments(String rawPath) {
    List<String> out = new ArrayList<>();
    for (String seg : rawPath.split("/")) {
      if (!seg.isEmpty()) {
        try {
          out.add(URLDecoder.decode(seg, StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
          throw PlatformException.badRequest("malformed path segment '" + seg + "': " + e.getMessage());
        }
      }
    }
    return out;
  }

  private static Response reply(int status, Object body) {
    try {
      return Response.of(status, "application/json", JsonMapping.mapper().writeValueAsBytes(body));
    } catch (JsonProcessingException e) {
      log.error("control API: cannot write a {} answer", body.getClass().getSimpleName(), e);
      return Response.text(500, "cannot write the answer: " + e.getMessage());
    }
  }

  @Override
  public void close() {
    server.close();
    executor.shutdownNow();
  }
}
