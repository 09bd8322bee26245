package dev.safedeploy.platform.serving;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.safedeploy.platform.http.NettyServer;
import dev.safedeploy.platform.http.Request;
import dev.safedeploy.platform.http.Response;
import dev.safedeploy.workflows.json.JsonMapping;
import io.netty.handler.codec.http.HttpHeaders;
import java.io.IOException;
import java.net.URI;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The invocation router (the seed's API Gateway + Lambda): {@code POST /endpoints/{name}/invocations} goes to one of
 * the endpoint's variants, drawn by weight or, for callers holding the control token, named by
 * {@code X-Amzn-SageMaker-Target-Variant}; the answer names the
 * endpoint and variant in {@code X-SageMaker-Endpoint} / {@code X-SageMaker-Variant}. {@code GET
 * /endpoints/{name}/metrics} shows the per-variant metrics.
 *
 * <p>On Netty ({@link NettyServer}): a request of a few rows is parsed, routed and predicted on the I/O thread
 * that read it, calling the variant's model server in process ({@link ModelServer#invoke}) — the answer a client
 * gets is the one the server's own {@code /invocations} gives, without a loopback hop; larger bodies run on the
 * router's pool. Mirrored copies run on a pool of their own, once the serving variant has answered: to a shadow
 * (its answers recorded as its own traffic and paired with the served ones), or to a reference (the paired canary:
 * every request green serves copied to blue, blue's answers recorded only as pairs, so blue's own samples, metrics
 * and alarms stay those of the clients it serves).
 */
public final class Router implements AutoCloseable {
  public static final String TARGET_VARIANT = "X-Amzn-SageMaker-Target-Variant";
  /** SageMaker's InferenceId: recorded in the capture so ground truth can be joined to the request later. */
  public static final String INFERENCE_ID = "X-Amzn-SageMaker-Inference-Id";
  public static final String ENDPOINT_HEADER = "X-SageMaker-Endpoint";
  public static final String VARIANT_HEADER = "X-SageMaker-Variant";
  private static final Logger log = LoggerFactory.getLogger(Router.class);
  private static final ObjectMapper MAPPER = JsonMapping.mapper();
  /** Mirrored copies waiting for the mirror pool; more are dropped. */
  static final int MIRROR_QUEUE = 1024;

  private final Map<String, RoutingTable> tables = new ConcurrentHashMap<>();
  /**
   * Where an endpoint's served requests are mirrored.
   *
   * @param variant gets a copy of every request another variant serves
   * @param pairsOnly its answers to the copies are recorded only as pairs with the served answers, not as its traffic
   */
  public record Mirror(String variant, boolean pairsOnly) {}

  /** endpoint -> its mirror. */
  private final Map<String, Mirror> shadows = new ConcurrentHashMap<>();
  private final ThreadPoolExecutor mirrors;
  private final AtomicLong mirrored = new AtomicLong();
  private final AtomicLong mirrorsDropped = new AtomicLong();
  private final MetricsRegistry metrics;
  private final DataCapture capture;
  private final NettyServer server;
  private final ThreadPoolExecutor executor;
  private final Predicate<HttpHeaders> privileged;

  /**
   * @param privileged whether a request holds the control token; only such requests may pick their variant with
   *     {@value #TARGET_VARIANT} (the hooks' direct calls), everyone else is routed by weight, so no client can steer
   *     traffic onto the canary
   */
  public Router(String bindHost, int port, MetricsRegistry metrics, DataCapture capture, int maxPayloadBytes,
      int threads, Predicate<HttpHeaders> privileged) throws IOException {
    // Mirrors run on their own small pool with a bounded queue: a slow shadow sheds mirrored copies, never the
    // client's request (SageMaker shadow variants likewise drop, not delay).
    this(bindHost, port, metrics, capture, maxPayloadBytes, threads, privileged, new ThreadPoolExecutor(2, 2, 60,
        TimeUnit.SECONDS, new ArrayBlockingQueue<>(MIRROR_QUEUE), daemon("router-mirror")));
  }

  /** With the given mirror pool (tests: one that can be filled); its rejections are counted as dropped copies. */
  Router(String bindHost, int port, MetricsRegistry metrics, DataCapture capture, int maxPayloadBytes, int threads,
      Predicate<HttpHeaders> privileged, ThreadPoolExecutor mirrors) throws IOException {
    this.privileged = privileged;
    this.metrics = metrics;
    this.capture = capture;
    // large bodies: a bounded pool, answering 503 when full rather than queueing without end
    this.executor = new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS, new ArrayBlockingQueue<>(1024),
        daemon("router"));
    this.mirrors = mirrors;
    mirrors.setRejectedExecutionHandler((r, pool) -> mirrorsDropped.incrementAndGet());
    this.server = NettyServer.start(bindHost, port, new NettyServer.Options("router", maxPayloadBytes,
        ModelServer.INLINE_BODY_BYTES, executor), this::handle);
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }

  public URI uri() {
    return server.uri();
  }

  /** Swaps the endpoint's table in; returns the instant after which every new request uses it. */
  public Instant update(RoutingTable table) {
    tables.put(table.endpoint(), table);
    return Instant.now();
  }

  public void remove(String endpoint) {
    tables.remove(endpoint);
    shadows.remove(endpoint);
  }

  /**
   * From now on every request another variant serves is mirrored to {@code variant}, asynchronously; with
   * {@code pairsOnly} its answers are kept only as pairs (a reference for the variant that served, not traffic).
   */
  public void shadow(String endpoint, String variant, boolean pairsOnly) {
    shadows.put(endpoint, new Mirror(variant, pairsOnly));
  }

  /** Stops mirroring; returns the variant that was the mirror's target, or null. */
  public String unshadow(String endpoint) {
    Mirror was = shadows.remove(endpoint);
    return was == null ? null : was.variant();
  }

  /** The endpoint's mirror, or null. */
  public Mirror mirrorOf(String endpoint) {
    return shadows.get(endpoint);
  }

  /** Mirrored copies sent, and copies dropped because the mirror pool was full. */
  public long[] mirrorCounts() {
    return new long[] {mirrored.get(), mirrorsDropped.get()};
  }

  public RoutingTable table(String endpoint) {
    return tables.get(endpoint);
  }

  private Response handle(Request r) throws IOException {
    String path = r.path();
    if ("/ping".equals(path)) {
      return Response.text(200, "");
    }
    if (!path.startsWith("/endpoints/")) {
      return Response.text(404, "no such route " + path);
    }
    String rest = path.substring("/endpoints/".length());
    int slash = rest.indexOf('/');
    if (slash <= 0) {
      return Response.text(404, "no such route " + path);
    }
    String endpoint = rest.substring(0, slash);
    String action = rest.substring(slash + 1);
    if (action.equals("invocations") && "POST".equals(r.method())) {
      Response answer = invoke(r, endpoint);
      return answer.headers().isEmpty() ? answer.withHeaders(Map.of(ENDPOINT_HEADER, endpoint)) : answer;
    }
    if (action.equals("metrics") && "GET".equals(r.method())) {
      double window;
      try {
        window = windowSeconds(r.uri().getQuery());
      } catch (IllegalArgumentException e) {
        return Response.text(400, e.getMessage());
      }
      return Response.of(200, Payloads.JSON,
          MAPPER.writeValueAsBytes(metrics.snapshot(endpoint, window, System.currentTimeMillis())));
    }
    return Response.text(404, "no such route " + r.method() + " " + path);
  }

  /**
   * The metrics window of {@code ?seconds=N}: 60 by default, at most the hour the metrics keep.
   *
   * @throws IllegalArgumentException naming the bad value
   */
  public static double windowSeconds(String query) {
    if (query == null || !query.startsWith("seconds=")) {
      return 60;
    }
    String v = query.substring("seconds=".length());
    double d;
    try {
      d = Double.parseDouble(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("seconds must be a number of seconds, got '" + abbreviate(v) + "'");
    }
    if (!(d > 0 && d <= 3600)) {
      throw new IllegalArgumentException("seconds must be in (0, 3600], got " + abbreviate(v));
    }
    return d;
  }

  private static String abbreviate(String s) {
    return s.length() > 40 ? s.substring(0, 40) + "..." : s;
  }

  private Response invoke(Request r, String endpoint) {
    RoutingTable table = tables.get(endpoint);
    if (table == null) {
      return Response.text(404, "Endpoint " + endpoint + " not found or not InService");
    }
    String target = r.header(TARGET_VARIANT);
    if (target != null && (target.isBlank() || !privileged.test(r.headers()))) {
      target = null;
    }
    RoutingTable.Route route;
    if (target != null) {
      route = table.variant(target.trim());
      if (route == null) {
        return Response.text(400, "endpoint " + endpoint + " has no variant '" + target.trim() + "' (has "
            + table.weights().keySet() + ")");
      }
    } else if (table.totalWeight() == 0) {
      return Response.text(503, "endpoint " + endpoint + ": no variant has traffic weight");
    } else {
      route = table.pick(ThreadLocalRandom.current().nextInt(table.totalWeight()));
    }
    String contentType = r.header("Content-Type");
    if (contentType == null) {
      contentType = Payloads.CSV;
    }
    byte[] body = r.body();
    long started = System.nanoTime();
    // a token holder testing one variant (the pre-traffic hook with the version's own sample rows) may use its own
    // row width besides the endpoint's contract
    Response answer = call(endpoint, route, contentType, body, target != null);
    long micros = Math.max(1, (System.nanoTime() - started) / 1_000);
    long now = System.currentTimeMillis();
    int status = answer.status();
    double prediction = status == 200 ? Payloads.meanPrediction(answer.contentType(), answer.body()) : Double.NaN;
    metrics.variant(endpoint, route.variant()).record(now, status, micros, prediction);
    if (status == 200 && table.capture() != null && table.capture().enabled()
        && ThreadLocalRandom.current().nextInt(100) < table.capture().samplingPercent()) {
      capture.submit(endpoint, route.variant(), Instant.ofEpochMilli(now), contentType, body, answer.contentType(),
          answer.body(), r.header(INFERENCE_ID));
    }
    // the mirror costs the serving path one queue offer; the copy runs on the mirror pool
    Mirror shadow = shadows.get(endpoint);
    if (shadow != null && !shadow.variant().equals(route.variant()) && target == null) {
      RoutingTable.Route mirror = table.variant(shadow.variant());
      if (mirror != null) {
        String type = contentType;
        boolean pairsOnly = shadow.pairsOnly();
        mirrors.execute(() -> mirror(endpoint, mirror, type, body, prediction, pairsOnly));
      }
    }
    return answer.withHeaders(Map.of(ENDPOINT_HEADER, endpoint, VARIANT_HEADER, route.variant(),
        "X-Amzn-Invoked-Production-Variant", route.variant()));
  }

  /** The variant's answer; a model server that throws is a 500 of that variant, as over HTTP. */
  private static Response call(String endpoint, RoutingTable.Route route, String contentType, byte[] body,
      boolean ownLayout) {
    try {
      return route.server().invoke(contentType, body, ownLayout);
    } catch (RuntimeException e) {
      log.warn("variant {} of {} failed", route.variant(), endpoint, e);
      return Response.text(500, "variant " + route.variant() + " of " + endpoint + " failed: " + e);
    }
  }

  /**
   * Sends the mirror's target its copy; its answer is paired with the served one and, unless {@code pairsOnly}, its
   * latency, status and answer are recorded as its own.
   */
  private void mirror(String endpoint, RoutingTable.Route route, String contentType, byte[] body, double served,
      boolean pairsOnly) {
    long started = System.nanoTime();
    Response answer = call(endpoint, route, contentType, body, false);
    double prediction = answer.status() == 200 ? Payloads.meanPrediction(answer.contentType(), answer.body())
        : Double.NaN;
    long micros = Math.max(1, (System.nanoTime() - started) / 1_000);
    long at = System.currentTimeMillis();
    if (!pairsOnly) {
      metrics.variant(endpoint, route.variant()).record(at, answer.status(), micros, prediction);
    }
    if (!Double.isNaN(prediction) && !Double.isNaN(served)) {
      metrics.pairs(endpoint, route.variant()).add(at, served, prediction);
    }
    mirrored.incrementAndGet();
  }

  @Override
  public void close() {
    server.close();
    executor.shutdownNow();
    mirrors.shutdownNow();
  }
}
