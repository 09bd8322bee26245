package dev.safedeploy.platform.serving;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.safedeploy.workflows.json.JsonMapping;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The invocation router (the seed's API Gateway + Lambda): {@code POST /endpoints/{name}/invocations} goes to one of
 * the endpoint's variants, drawn by weight or, for callers holding the control token, named by
 * {@code X-Amzn-SageMaker-Target-Variant}; the answer names the
 * endpoint and variant in {@code X-SageMaker-Endpoint} / {@code X-SageMaker-Variant}. {@code GET
 * /endpoints/{name}/metrics} shows the per-variant metrics.
 */
public final class Router implements AutoCloseable {
  public static final String TARGET_VARIANT = "X-Amzn-SageMaker-Target-Variant";
  /** SageMaker's InferenceId: recorded in the capture so ground truth can be joined to the request later. */
  public static final String INFERENCE_ID = "X-Amzn-SageMaker-Inference-Id";
  public static final String ENDPOINT_HEADER = "X-SageMaker-Endpoint";
  public static final String VARIANT_HEADER = "X-SageMaker-Variant";
  private static final Logger log = LoggerFactory.getLogger(Router.class);
  private static final ObjectMapper MAPPER = JsonMapping.mapper();

  private final Map<String, RoutingTable> tables = new ConcurrentHashMap<>();
  /** endpoint -> the variant that gets a mirrored copy of every request another variant serves. */
  private final Map<String, String> shadows = new ConcurrentHashMap<>();
  private final java.util.concurrent.ThreadPoolExecutor mirrors;
  private final java.util.concurrent.atomic.AtomicLong mirrored = new java.util.concurrent.atomic.AtomicLong();
  private final java.util.concurrent.atomic.AtomicLong mirrorsDropped = new java.util.concurrent.atomic.AtomicLong();
  private final MetricsRegistry metrics;
  private final DataCapture capture;
  private final int maxPayloadBytes;
  private final HttpServer server;
  private final ExecutorService executor;
  private final HttpClient client;
  private final Predicate<Headers> privileged;

  /**
   * @param privileged whether a request holds the control token; only such requests may pick their variant with
   *     {@value #TARGET_VARIANT} (the hooks' direct calls), everyone else is routed by weight, so no client can steer
   *     traffic onto the canary
   */
  public Router(String bindHost, int port, MetricsRegistry metrics, DataCapture capture, int maxPayloadBytes,
      int threads, Predicate<Headers> privileged) throws IOException {
    this.privileged = privileged;
    this.metrics = metrics;
    this.capture = capture;
    this.maxPayloadBytes = maxPayloadBytes;
    this.executor = HttpExchanges.serverExecutor("router", threads);
    this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(2)).build();
    // Mirrors run on their own small pool with a bounded queue: a slow shadow sheds mirrored copies, never the
    // client's request (SageMaker shadow variants likewise drop, not delay).
    this.mirrors = new java.util.concurrent.ThreadPoolExecutor(2, 2, 60, java.util.concurrent.TimeUnit.SECONDS,
        new java.util.concurrent.ArrayBlockingQueue<>(1024), r -> {
          Thread t = new Thread(r, "router-mirror");
          t.setDaemon(true);
          return t;
        }, (r, pool) -> mirrorsDropped.incrementAndGet());
    HttpExchanges.noDelay();
    this.server = HttpServer.create(new InetSocketAddress(bindHost, port), 1024);
    server.createContext("/endpoints/", this::handle);
    server.createContext("/ping", ex -> HttpExchanges.sendText(ex, 200, ""));
    server.setExecutor(executor);
    server.start();
  }

  public URI uri() {
    return URI.create("http://" + server.getAddress().getHostString() + ":" + server.getAddress().getPort());
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

  /** From now on every request another variant serves is mirrored to {@code variant}, asynchronously. */
  public void shadow(String endpoint, String variant) {
    shadows.put(endpoint, variant);
  }

  /** Stops mirroring; returns the variant that was the shadow, or null. */
  public String unshadow(String endpoint) {
    return shadows.remove(endpoint);
  }

  public String shadowOf(String endpoint) {
    return shadows.get(endpoint);
  }

  /** Mirrored copies sent, and copies dropped because the mirror pool was full. */
  public long[] mirrorCounts() {
    return new long[] {mirrored.get(), mirrorsDropped.get()};
  }

  public RoutingTable table(String endpoint) {
    return tables.get(endpoint);
  }

  private void handle(HttpExchange ex) throws IOException {
    try {
      String tooLarge = HttpExchanges.headersTooLarge(ex);
      if (tooLarge != null) {
        HttpExchanges.sendText(ex, 431, tooLarge);
        return;
      }
      String path = ex.getRequestURI().getPath();
      String rest = path.substring("/endpoints/".length());
      int slash = rest.indexOf('/');
      if (slash <= 0) {
        HttpExchanges.sendText(ex, 404, "no such route " + path);
        return;
      }
      String endpoint = rest.substring(0, slash);
      String action = rest.substring(slash + 1);
      if (action.equals("invocations") && "POST".equals(ex.getRequestMethod())) {
        invoke(ex, endpoint);
      } else if (action.equals("metrics") && "GET".equals(ex.getRequestMethod())) {
        double window;
        try {
          window = windowSeconds(ex.getRequestURI().getQuery());
        } catch (IllegalArgumentException e) {
          HttpExchanges.sendText(ex, 400, e.getMessage());
          return;
        }
        HttpExchanges.send(ex, 200, Payloads.JSON,
            MAPPER.writeValueAsBytes(metrics.snapshot(endpoint, window, System.currentTimeMillis())));
      } else {
        HttpExchanges.sendText(ex, 404, "no such route " + ex.getRequestMethod() + " " + path);
      }
    } catch (IOException | RuntimeException e) {
      log.warn("router exchange {} {} failed: {}", ex.getRequestMethod(), ex.getRequestURI(), e.toString());
      HttpExchanges.fail(ex, 500, "router failed: " + e);
    }
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

  private void invoke(HttpExchange ex, String endpoint) throws IOException {
    RoutingTable table = tables.get(endpoint);
    ex.getResponseHeaders().set(ENDPOINT_HEADER, endpoint);
    if (table == null) {
      drain(ex);
      HttpExchanges.sendText(ex, 404, "Endpoint " + endpoint + " not found or not InService");
      return;
    }
    byte[] body;
    try {
      body = HttpExchanges.readBody(ex, maxPayloadBytes);
    } catch (HttpExchanges.TooLargeException e) {
      HttpExchanges.sendText(ex, 400, e.getMessage());
      return;
    }
    String target = ex.getRequestHeaders().getFirst(TARGET_VARIANT);
    if (target != null && !privileged.test(ex.getRequestHeaders())) {
      target = null;
    }
    RoutingTable.Route route;
    if (target != null && !target.isBlank()) {
      route = table.variant(target.trim());
      if (route == null) {
        HttpExchanges.sendText(ex, 400, "endpoint " + endpoint + " has no variant '" + target.trim() + "' (has "
            + table.weights().keySet() + ")");
        return;
      }
    } else if (table.totalWeight() == 0) {
      HttpExchanges.sendText(ex, 503, "endpoint " + endpoint + ": no variant has traffic weight");
      return;
    } else {
      route = table.pick(ThreadLocalRandom.current().nextInt(table.totalWeight()));
    }
    String contentType = ex.getRequestHeaders().getFirst("Content-Type");
    if (contentType == null) {
      contentType = Payloads.CSV;
    }
    long started = System.nanoTime();
    int status;
    byte[] answer;
    String answerType;
    try {
      HttpRequest.Builder upstream = HttpRequest.newBuilder(route.invocations()).timeout(Duration.ofSeconds(60))
          .header("Content-Type", contentType);
      if (target != null && !target.isBlank()) {
        // a token holder testing one variant (the pre-traffic hook with the version's own sample rows) may use its
        // own row width besides the endpoint's contract
        upstream.header(ModelServer.OWN_LAYOUT, "true");
      }
      HttpResponse<byte[]> resp = client.send(upstream.POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
          HttpResponse.BodyHandlers.ofByteArray());
      status = resp.statusCode();
      answer = resp.body();
      answerType = resp.headers().firstValue("Content-Type").orElse("text/plain");
    } catch (IOException e) {
      status = 502;
      answer = ("variant " + route.variant() + " of " + endpoint + " did not answer: " + e).getBytes();
      answerType = "text/plain";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      ex.close();
      return;
    }
    long micros = (System.nanoTime() - started) / 1_000;
    Instant now = Instant.now();
    double prediction = status == 200 ? Payloads.meanPrediction(answerType, answer) : Double.NaN;
    metrics.variant(endpoint, route.variant()).record(now.toEpochMilli(), status, micros, prediction);
    if (status == 200 && table.capture() != null && table.capture().enabled()
        && ThreadLocalRandom.current().nextInt(100) < table.capture().samplingPercent()) {
      capture.submit(endpoint, route.variant(), now, contentType, body, answerType, answer,
          ex.getRequestHeaders().getFirst(INFERENCE_ID));
    }
    ex.getResponseHeaders().set(VARIANT_HEADER, route.variant());
    ex.getResponseHeaders().set("X-Amzn-Invoked-Production-Variant", route.variant());
    HttpExchanges.send(ex, status, answerType, answer);
    // after the client has its answer: the mirror costs the blue path one queue offer
    String shadow = shadows.get(endpoint);
    if (shadow != null && !shadow.equals(route.variant()) && (target == null || target.isBlank())) {
      RoutingTable.Route mirror = table.variant(shadow);
      if (mirror != null) {
        String type = contentType;
        mirrors.execute(() -> mirror(endpoint, mirror, type, body, prediction));
      }
    }
  }

  /** Sends the shadow its copy; its latency, status and answer are recorded as its own, paired with the served one. */
  private void mirror(String endpoint, RoutingTable.Route route, String contentType, byte[] body, double served) {
    long started = System.nanoTime();
    int status;
    double prediction = Double.NaN;
    try {
      HttpResponse<byte[]> resp = client.send(HttpRequest.newBuilder(route.invocations())
          .timeout(Duration.ofSeconds(60)).header("Content-Type", contentType)
          .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofByteArray());
      status = resp.statusCode();
      if (status == 200) {
        prediction = Payloads.meanPrediction(resp.headers().firstValue("Content-Type").orElse("text/plain"),
            resp.body());
      }
    } catch (IOException e) {
      status = 502;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    }
    long micros = (System.nanoTime() - started) / 1_000;
    long at = System.currentTimeMillis();
    metrics.variant(endpoint, route.variant()).record(at, status, micros, prediction);
    if (!Double.isNaN(prediction) && !Double.isNaN(served)) {
      metrics.pairs(endpoint, route.variant()).add(at, served, prediction);
    }
    mirrored.incrementAndGet();
  }

  private static void drain(HttpExchange ex) {
    try {
      ex.getRequestBody().readAllBytes();
    } catch (IOException ignored) {
      // the answer is an error anyway
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
    mirrors.shutdownNow();
  }
}
