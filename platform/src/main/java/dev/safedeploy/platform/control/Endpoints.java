package dev.safedeploy.platform.control;

import dev.safedeploy.platform.api.DataCaptureConfig;
import dev.safedeploy.platform.api.Endpoint;
import dev.safedeploy.platform.api.ModelRecord;
import dev.safedeploy.platform.api.Shadow;
import dev.safedeploy.platform.api.Variant;
import dev.safedeploy.platform.api.WeightsConfirmation;
import dev.safedeploy.platform.serving.MetricsRegistry;
import dev.safedeploy.platform.serving.ModelServer;
import dev.safedeploy.platform.serving.Router;
import dev.safedeploy.platform.serving.RoutingTable;
import dev.safedeploy.platform.training.ModelLoadException;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Endpoints and their routing: one model server per variant, the router's table rebuilt from the endpoint on every
 * change. Every change to an endpoint happens under its name's lock; a change that is refused leaves it serving as it
 * was.
 */
final class Endpoints implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Endpoints.class);
  static final String ENDPOINTS = "endpoints";
  static final String VARIANTS = "variants";

  final ResourceTable<Endpoint> table;
  private final PlatformState state;
  private final Models models;
  private final Router router;
  private final MetricsRegistry metrics;
  private final Map<String, Map<String, ModelServer>> servers = new ConcurrentHashMap<>();
  private final ExecutorService serverThreads;
  private final String bindHost;
  private final int maxPayloadBytes;

  Endpoints(PlatformState state, Models models, Router router, MetricsRegistry metrics, ExecutorService serverThreads,
      String bindHost, int maxPayloadBytes) {
    this.table = new ResourceTable<>(ENDPOINTS, "endpoint", Endpoint.class, state);
    this.state = state;
    this.models = models;
    this.router = router;
    this.metrics = metrics;
    this.serverThreads = serverThreads;
    this.bindHost = bindHost;
    this.maxPayloadBytes = maxPayloadBytes;
  }

  // ---------------------------------------------------------------- restore

  /** Serves every InService endpoint again with the weights it had. */
  void restore() {
    for (Endpoint e : table.restore()) {
      if ("InService".equals(e.status())) {
        synchronized (table.lock(e.name())) {
          restore(e);
        }
      }
    }
  }

  private void restore(Endpoint e) {
    List<Variant> restored = new ArrayList<>();
    String failure = null;
    for (Variant v : e.variants()) {
      try {
        startServer(e.name(), v);
        restored.add(v.withStatus("InService", null));
      } catch (PlatformException ex) {
        failure = "variant " + v.name() + ": " + ex.getMessage();
        restored.add(v.withStatus("Failed", ex.getMessage()));
      }
    }
    Endpoint now = e.withVariants(restored);
    now = now.withInputWidth(inputWidth(now, e.inputWidth()));
    RoutingTable routes = null;
    if (failure == null) {
      try {
        routes = routes(now);
      } catch (IllegalArgumentException ex) {
        // a state file from before weights were bounded: the endpoint is reported, the platform still starts
        failure = ex.getMessage();
      }
    }
    if (failure != null) {
      now = now.withStatus("Failed", "restore failed: " + failure);
      stopServers(e.name());
      log.error("endpoint {} could not be restored: {}", e.name(), failure);
    } else {
      now = now.withConfirmedAt(router.update(routes));
      log.info("endpoint {} restored with weights {}", e.name(), routes.weights());
    }
    table.put(e.name(), now);
  }

  // ---------------------------------------------------------------- endpoints

  /** Creates the endpoint and waits for its model servers; adopts an existing endpoint with the same variants. */
  Outcome<Endpoint> create(Endpoint request) {
    StateStore.checkName("endpoint", request.name());
    if (request.variants() == null || request.variants().isEmpty()) {
      throw PlatformException.badRequest("endpoint " + request.name() + " needs at least one variant");
    }
    for (Variant v : request.variants()) {
      if (v == null) {
        throw PlatformException.badRequest("endpoint " + request.name() + ": a variant is null");
      }
      StateStore.checkName("variant", v.name());
      checkWeight(v.name(), v.weight());
      models.get(v.modelName());
    }
    return models.whileRegistered(request.variants().stream().map(Variant::modelName).toList(),
        () -> createLocked(request));
  }

  private Outcome<Endpoint> createLocked(Endpoint request) {
    synchronized (table.lock(request.name())) {
      Outcome<Endpoint> o = table.createOrAdopt(request.name(), existing -> {
        List<String> want = request.variants().stream().map(v -> v.name() + "=" + v.modelName()).sorted().toList();
        List<String> have = existing.variants().stream().map(v -> v.name() + "=" + v.modelName()).sorted().toList();
        if (!want.equals(have)) {
          throw PlatformException.conflict("endpoint " + request.name() + " exists with variants " + have
              + ", not " + want);
        }
      }, () -> start(request));
      if (o.created()) {
        o.resource().variants().forEach(v -> state.created(VARIANTS, request.name() + "/" + v.name()));
      }
      return o;
    }
  }

  /** A new endpoint's model servers and routes; an endpoint whose model does not load is Failed, not absent. */
  private Endpoint start(Endpoint request) {
    DataCaptureConfig dc = request.dataCapture() == null ? DataCaptureConfig.disabled() : request.dataCapture();
    List<Variant> started = new ArrayList<>();
    String failure = null;
    for (Variant v : request.variants()) {
      Variant nv = new Variant(v.name(), v.modelName(), v.weight(), Math.max(1, v.instanceCount()),
          v.instanceType() == null ? "local" : v.instanceType(), "InService", null);
      if (failure == null) {
        try {
          startServer(request.name(), nv);
        } catch (PlatformException e) {
          failure = "variant " + v.name() + ": " + e.getMessage();
          nv = nv.withStatus("Failed", e.getMessage());
        }
      }
      started.add(nv);
    }
    Endpoint e = new Endpoint(request.name(), request.model(), started, dc, "InService", null, Instant.now(), null);
    e = e.withInputWidth(inputWidth(e, null));
    if (failure != null) {
      stopServers(e.name());
      log.warn("endpoint {} failed: {}", e.name(), failure);
      return e.withStatus("Failed", failure);
    }
    return e.withConfirmedAt(router.update(routes(e)));
  }

  Endpoint get(String name) {
    return table.get(name);
  }

  List<Endpoint> list() {
    return table.values().stream().sorted(Comparator.comparing(Endpoint::name)).toList();
  }

  /**
   * Adds a variant (adopting one of the same name and model); existing variants keep their weights. A model that does
   * not load leaves the endpoint as it was and fails the call, as a failed SageMaker UpdateEndpoint does.
   */
  Outcome<Endpoint> addVariant(String endpoint, Variant request) {
    StateStore.checkName("variant", request.name());
    checkWeight(request.name(), request.weight());
    models.get(request.modelName()); // a clear 400 for a missing name, 404 for an unknown model, before any lock
    return models.whileRegistered(List.of(request.modelName()), () -> addVariantLocked(endpoint, request));
  }

  private Outcome<Endpoint> addVariantLocked(String endpoint, Variant request) {
    synchronized (table.lock(endpoint)) {
      Endpoint e = inService(endpoint);
      Variant existing = e.variant(request.name());
      if (existing != null) {
        if (!existing.modelName().equals(request.modelName())) {
          throw PlatformException.conflict("endpoint " + endpoint + " already has variant " + request.name()
              + " serving model " + existing.modelName() + ", not " + request.modelName());
        }
        state.adopted(VARIANTS, endpoint + "/" + request.name());
        return new Outcome<>(e, false);
      }
      Variant nv = new Variant(request.name(), request.modelName(), request.weight(),
          Math.max(1, request.instanceCount()), request.instanceType() == null ? "local" : request.instanceType(),
          "InService", null);
      startServer(endpoint, nv);
      List<Variant> vs = new ArrayList<>(e.variants());
      vs.add(nv);
      Endpoint updated = e.withVariants(vs);
      table.save(endpoint, updated);
      updated = updated.withConfirmedAt(router.update(routes(updated)));
      table.putLive(endpoint, updated);
      state.created(VARIANTS, endpoint + "/" + nv.name());
      return new Outcome<>(updated, true);
    }
  }

  /** Removes a variant; the last variant takes the endpoint with it. Absent endpoint or variant: no-op. */
  Endpoint removeVariant(String endpoint, String variant) {
    synchronized (table.lock(endpoint)) {
      Endpoint e = table.find(endpoint);
      if (e == null || e.variant(variant) == null) {
        return e;
      }
      if (e.variants().size() == 1) {
        delete(endpoint);
        return null;
      }
      List<Variant> vs = new ArrayList<>(e.variants());
      vs.removeIf(v -> v.name().equals(variant));
      ModelServer ms = servers.getOrDefault(endpoint, Map.of()).remove(variant);
      Endpoint updated = e.withVariants(vs);
      updated = updated.withInputWidth(inputWidth(updated, e.inputWidth()));
      if ("InService".equals(e.status())) {
        updated = updated.withConfirmedAt(router.update(routes(updated)));
      }
      table.put(endpoint, updated);
      // a shadow goes with its variant; a paired canary's mirror pairs two variants, and one of them is gone
      Router.Mirror mirror = router.mirrorOf(endpoint);
      if (mirror != null && (variant.equals(mirror.variant()) || mirror.pairsOnly())) {
        router.unshadow(endpoint);
      }
      if (ms != null) {
        ms.close();
      }
      state.deleted(VARIANTS, endpoint + "/" + variant);
      return updated;
    }
  }

  /** Deletes the endpoint; one already gone is success. */
  void delete(String endpoint) {
    synchronized (table.lock(endpoint)) {
      Endpoint e = table.remove(endpoint);
      router.remove(endpoint);
      stopServers(endpoint);
      state.forget(ENDPOINTS, endpoint);
      metrics.dropEndpoint(endpoint);
      if (e != null) {
        e.variants().forEach(v -> state.deleted(VARIANTS, endpoint + "/" + v.name()));
        state.deleted(ENDPOINTS, endpoint);
        log.info("endpoint {} deleted", endpoint);
      }
    }
  }

  // ---------------------------------------------------------------- routing

  /**
   * Sets the endpoint's split and returns once the router routes by it; the confirmation time is taken after the
   * routing table switched. The split is checked whole under the endpoint's lock (see {@link #refuseBadSplit}), so a
   * refused change leaves the endpoint serving as it was.
   */
  WeightsConfirmation setWeights(String endpoint, Map<String, Integer> weights) {
    if (weights == null || weights.isEmpty()) {
      throw PlatformException.badRequest("no weights given for endpoint " + endpoint);
    }
    synchronized (table.lock(endpoint)) {
      Endpoint e = inService(endpoint);
      refuseBadSplit(e, weights);
      Endpoint updated = e.withVariants(e.variants().stream().map(v -> v.withWeight(weights.get(v.name()))).toList());
      // durable first, then live: a crash between the two restores the new split, which is what was asked
      table.save(endpoint, updated);
      RoutingTable t = routes(updated);
      Instant confirmed = router.update(t);
      table.putLive(endpoint, updated.withConfirmedAt(confirmed));
      return new WeightsConfirmation(endpoint, t.weights(), confirmed);
    }
  }

  /**
   * A weight change is a whole split in percent: every variant of the endpoint named (one left out would keep its old
   * weight, a split nobody asked for), each 0..100, adding up to exactly 100. Summed in a long, so {a: 2147483647,
   * b: 1} cannot wrap around to a total that passes.
   */
  private static void refuseBadSplit(Endpoint e, Map<String, Integer> weights) {
    List<String> names = e.variants().stream().map(Variant::name).toList();
    long sum = 0;
    for (Map.Entry<String, Integer> w : weights.entrySet()) {
      if (e.variant(w.getKey()) == null) {
        throw PlatformException.notFound("endpoint " + e.name() + " has no variant " + w.getKey() + " (has "
            + names + ")");
      }
      checkWeight(w.getKey(), w.getValue());
      sum += w.getValue();
    }
    List<String> unnamed = names.stream().filter(n -> !weights.containsKey(n)).toList();
    if (!unnamed.isEmpty()) {
      throw PlatformException.badRequest("weights " + weights + " of endpoint " + e.name() + " leave variants "
          + unnamed + " unnamed; a weight change names every variant");
    }
    if (sum != 100) {
      throw PlatformException.badRequest("weights " + weights + " of endpoint " + e.name()
          + " must add up to 100 percent, they add up to " + sum);
    }
  }

  private static void checkWeight(String variant, Integer weight) {
    if (weight == null || weight < 0 || weight > RoutingTable.MAX_WEIGHT) {
      throw PlatformException.badRequest("weight of variant " + variant + " must be a percentage in 0.."
          + RoutingTable.MAX_WEIGHT + ", got " + weight);
    }
  }

  /**
   * Mirrors the endpoint's traffic to one of its variants (idempotent; replaces another mirror); it must serve and not
   * be the only one. With {@code pairsOnly} its answers are kept only as pairs with the served ones.
   */
  Shadow setShadow(String endpoint, String variant, boolean pairsOnly) {
    synchronized (table.lock(endpoint)) {
      Endpoint e = inService(endpoint);
      if (variant == null || variant.isBlank()) {
        throw PlatformException.badRequest("body must be {\"variant\":\"<variant>\"}");
      }
      if (e.variant(variant) == null) {
        throw PlatformException.notFound("endpoint " + endpoint + " has no variant " + variant + " (has "
            + e.variants().stream().map(Variant::name).toList() + ")");
      }
      if (e.variants().size() < 2) {
        throw PlatformException.badRequest("endpoint " + endpoint + " has only " + variant
            + ": a shadow needs another variant serving the clients");
      }
      router.shadow(endpoint, variant, pairsOnly);
      log.info("endpoint {}: traffic mirrored to {}{}", endpoint, variant, pairsOnly ? " (pairs only)" : "");
      return shadow(endpoint);
    }
  }

  /** Stops mirroring (none: no-op). */
  Shadow clearShadow(String endpoint) {
    synchronized (table.lock(endpoint)) {
      get(endpoint);
      String was = router.unshadow(endpoint);
      if (was != null) {
        log.info("endpoint {}: no longer mirrored to {}", endpoint, was);
      }
      return shadow(endpoint);
    }
  }

  Shadow shadow(String endpoint) {
    long[] counts = router.mirrorCounts();
    Router.Mirror m = router.mirrorOf(endpoint);
    return new Shadow(endpoint, m == null ? null : m.variant(), counts[0], counts[1], m != null && m.pairsOnly());
  }

  Endpoint setDataCapture(String endpoint, DataCaptureConfig dc) {
    if (dc.samplingPercent() < 0 || dc.samplingPercent() > 100) {
      throw PlatformException.badRequest("samplingPercent must be in [0, 100], got " + dc.samplingPercent());
    }
    synchronized (table.lock(endpoint)) {
      Endpoint updated = get(endpoint).withDataCapture(dc);
      table.save(endpoint, updated);
      if ("InService".equals(updated.status())) {
        updated = updated.withConfirmedAt(router.update(routes(updated)));
      }
      table.putLive(endpoint, updated);
      return updated;
    }
  }

  private Endpoint inService(String endpoint) {
    Endpoint e = get(endpoint);
    if (!"InService".equals(e.status())) {
      throw PlatformException.conflict("endpoint " + endpoint + " is " + e.status() + ": " + e.failureReason());
    }
    return e;
  }

  // ---------------------------------------------------------------- model servers

  URI modelServerUrl(String endpoint, String variant) {
    ModelServer s = servers.getOrDefault(endpoint, Map.of()).get(variant);
    return s == null ? null : s.uri();
  }

  private void startServer(String endpoint, Variant v) {
    ModelRecord m = models.table.find(v.modelName());
    if (m == null) {
      throw new PlatformException(404, PlatformException.NOT_FOUND, "model " + v.modelName() + " does not exist");
    }
    try {
      ModelServer ms = ModelServer.start(endpoint + "/" + v.name(), Path.of(m.artifact()), bindHost, serverThreads,
          maxPayloadBytes, () -> {
            Endpoint live = table.find(endpoint);
            return live == null || live.inputWidth() == null ? 0 : live.inputWidth();
          });
      ModelServer old = servers.computeIfAbsent(endpoint, k -> new ConcurrentHashMap<>()).put(v.name(), ms);
      if (old != null) {
        old.close();
      }
    } catch (ModelLoadException e) {
      throw new PlatformException(422, PlatformException.MODEL_LOAD_FAILED, e.getMessage());
    } catch (IOException e) {
      throw new PlatformException(500, PlatformException.INTERNAL, "cannot start a model server for " + endpoint
          + "/" + v.name() + ": " + e.getMessage());
    }
  }

  private void stopServers(String endpoint) {
    Map<String, ModelServer> ms = servers.remove(endpoint);
    if (ms != null) {
      ms.values().forEach(ModelServer::close);
    }
  }

  /**
   * The endpoint's input contract: the width all its serving variants' models take; while they disagree, the width
   * it had (on create, its first variant's): the variant that does not fit the traffic is the broken one.
   */
  private Integer inputWidth(Endpoint e, Integer had) {
    Map<String, ModelServer> ms = servers.getOrDefault(e.name(), Map.of());
    List<Integer> widths = e.variants().stream().map(v -> ms.get(v.name())).filter(java.util.Objects::nonNull)
        .map(ModelServer::featureCount).toList();
    if (widths.isEmpty()) {
      return had;
    }
    if (widths.stream().distinct().count() == 1) {
      return widths.get(0);
    }
    return had != null ? had : widths.get(0);
  }

  /** The router's table for the endpoint: its variants that have a model server, by weight. */
  private RoutingTable routes(Endpoint e) {
    Map<String, ModelServer> ms = servers.getOrDefault(e.name(), Map.of());
    List<RoutingTable.Route> routes = new ArrayList<>();
    for (Variant v : e.variants()) {
      ModelServer s = ms.get(v.name());
      if (s != null) {
        routes.add(new RoutingTable.Route(v.name(), s, v.weight()));
      }
    }
    return RoutingTable.of(e.name(), routes, e.dataCapture());
  }

  /** Stops every model server (the router and the server threads belong to the platform). */
  @Override
  public void close() {
    for (String e : List.copyOf(servers.keySet())) {
      stopServers(e);
    }
  }
}
