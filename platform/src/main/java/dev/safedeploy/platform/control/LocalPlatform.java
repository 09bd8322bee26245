package dev.safedeploy.platform.control;

import dev.safedeploy.platform.api.Alarm;
import dev.safedeploy.platform.api.AlarmDefinition;
import dev.safedeploy.platform.api.AlarmState;
import dev.safedeploy.platform.api.DataCaptureConfig;
import dev.safedeploy.platform.api.Endpoint;
import dev.safedeploy.platform.api.EndpointSamples;
import dev.safedeploy.platform.api.ModelRecord;
import dev.safedeploy.platform.api.PairedSamples;
import dev.safedeploy.platform.api.Shadow;
import dev.safedeploy.platform.api.MonitoringSchedule;
import dev.safedeploy.platform.api.ProcessingJob;
import dev.safedeploy.platform.api.TrainingJob;
import dev.safedeploy.platform.api.Variant;
import dev.safedeploy.platform.api.VariantSamples;
import dev.safedeploy.platform.api.WeightsConfirmation;
import dev.safedeploy.platform.serving.DataCapture;
import dev.safedeploy.platform.serving.GroundTruth;
import dev.safedeploy.platform.serving.MetricsRegistry;
import dev.safedeploy.platform.serving.Router;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local model platform ("SageMaker + CloudWatch on one machine"): training and processing jobs, models,
 * endpoints with weighted variants served by model servers behind a router, CloudWatch-style alarms, data capture
 * and drift monitoring, with a JSON control API. All state lives under {@code home} and comes back on restart:
 * endpoints serve again with the same weights, and jobs that were InProgress run again under the same name.
 *
 * <p>This class starts, restores and stops the parts; each resource lives in its own class ({@link Jobs},
 * {@link Models}, {@link Endpoints}, {@link Alarms}, {@link Monitoring}), on a {@link ResourceTable} where it is
 * created-or-adopted, and the {@link InventoryReport} counts them all.
 */
public final class LocalPlatform implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(LocalPlatform.class);

  private final Path home;
  private final PlatformState state;
  private final MetricsRegistry metrics = new MetricsRegistry();
  private final ExecutorService modelServerThreads;
  private final DataCapture capture;
  private final Router router;
  private final Jobs jobs;
  private final Models models;
  private final Endpoints endpoints;
  private final Alarms alarms;
  private final Monitoring monitoring;
  private final InventoryReport inventory;
  private final ControlAccess access;
  private final DataRoots roots;
  private ControlApi api;

  private LocalPlatform(PlatformConfig config) throws IOException {
    this.home = config.home().toAbsolutePath();
    Files.createDirectories(home);
    this.access = new ControlAccess(ControlAccess.loadOrCreate(home), config.allowedHosts());
    this.state = new PlatformState(home.resolve("state"));
    this.roots = new DataRoots(home, config.dataRoots());
    this.jobs = new Jobs(state, home, roots, config.jobThreads());
    this.modelServerThreads = Executors.newCachedThreadPool(daemon("model-server"));
    this.capture = new DataCapture(home.resolve("capture"));
    this.router = new Router(config.bindHost(), config.routerPort(), metrics, capture, config.maxPayloadBytes(),
        config.routerThreads(), access::holdsToken);
    this.models = new Models(state, roots);
    this.endpoints = new Endpoints(state, models, router, metrics, modelServerThreads, config.bindHost(),
        config.maxPayloadBytes());
    this.alarms = new Alarms(state, metrics, config.alarmSink());
    this.monitoring = new Monitoring(state, capture, metrics, roots);
    this.inventory = new InventoryReport(state, jobs, models, endpoints, alarms, monitoring);
  }

  /** Starts the platform on its home, restoring whatever state is there. */
  public static LocalPlatform start(PlatformConfig config) {
    LocalPlatform p = null;
    try {
      p = new LocalPlatform(config);
      p.restore();
      p.api = new ControlApi(p, p.access, config.bindHost(), config.controlPort());
      p.alarms.evaluator.start(config.alarmTick());
      log.info("local platform up: control {} router {} home {}", p.url(), p.routerUrl(), p.home);
      if (!p.corruptStateFiles().isEmpty()) {
        log.error("{} state file(s) could not be read and were quarantined:\n  {}", p.corruptStateFiles().size(),
            String.join("\n  ", new java.util.TreeMap<>(p.corruptStateFiles()).values()));
      }
      return p;
    } catch (IOException | RuntimeException e) {
      if (p != null) {
        p.close();
      }
      if (e instanceof IOException io) {
        throw new UncheckedIOException("local platform failed to start on " + config.home(), io);
      }
      throw (RuntimeException) e;
    }
  }

  /** Models first: the restored endpoints start model servers on them. */
  private void restore() {
    models.restore();
    jobs.restore();
    endpoints.restore();
    alarms.restore();
    monitoring.restore();
  }

  /** The control API's base URL, e.g. {@code http://127.0.0.1:8780}. */
  public URI url() {
    return api.uri();
  }

  /** The invocation router's base URL. */
  public URI routerUrl() {
    return router.uri();
  }

  public Path home() {
    return home;
  }

  /**
   * The base URL of the model server behind a variant ({@code /ping}, {@code /invocations}), for benchmarks that
   * compare the router with a direct call; null when the variant is not serving.
   */
  public URI modelServerUrl(String endpoint, String variant) {
    return endpoints.modelServerUrl(endpoint, variant);
  }

  /** The directories requests may name files in: home and the configured data roots, as real paths. */
  public List<Path> dataRoots() {
    return roots.roots();
  }

  public MetricsRegistry metrics() {
    return metrics;
  }

  /** Per variant of the endpoint (or the one named), its per-request samples of [sinceMillis, untilMillis). */
  public EndpointSamples samples(String endpoint, String variant, long sinceMillis, long untilMillis) {
    Map<String, VariantSamples> out = new LinkedHashMap<>();
    metrics.samples(endpoint, variant, sinceMillis, untilMillis).forEach((v, s) -> {
      Double[] predictions = new Double[s.size()];
      for (int i = 0; i < predictions.length; i++) {
        predictions[i] = Double.isNaN(s.prediction()[i]) ? null : s.prediction()[i];
      }
      out.put(v, new VariantSamples(s.atMillis(), s.latencyMicros(), s.status(), predictions, s.truncated()));
    });
    Map<String, PairedSamples> pairs = new LinkedHashMap<>();
    metrics.pairs(endpoint, sinceMillis, untilMillis).forEach((v, p) -> pairs.put(v,
        new PairedSamples(p.atMillis(), p.served(), p.shadow(), p.truncated())));
    return new EndpointSamples(endpoint, sinceMillis, untilMillis, out, pairs);
  }

  public DataCapture capture() {
    return capture;
  }

  /** State files that could not be read on start, name -> problem naming the file and where it was moved. */
  public Map<String, String> corruptStateFiles() {
    return state.corrupt();
  }

  /** Every state file in quarantine ({@code home/state/.quarantine}), from this start and earlier ones. */
  public List<String> quarantinedStateFiles() {
    return state.store.quarantined();
  }

  // ---------------------------------------------------------------- jobs

  public Outcome<TrainingJob> createTrainingJob(TrainingJob request) {
    return jobs.createTrainingJob(request);
  }

  public TrainingJob trainingJob(String name) {
    return jobs.training.get(name);
  }

  /** The model's training jobs (null: every model's), sorted by name. */
  public List<TrainingJob> trainingJobs(String model) {
    return jobs.training.values().stream().filter(j -> model == null || model.equals(j.model()))
        .sorted(java.util.Comparator.comparing(TrainingJob::name)).toList();
  }

  public Outcome<ProcessingJob> createProcessingJob(ProcessingJob request) {
    return jobs.createProcessingJob(request);
  }

  public ProcessingJob processingJob(String name) {
    return jobs.processing.get(name);
  }

  // ---------------------------------------------------------------- models

  public Outcome<ModelRecord> createModel(ModelRecord request) {
    return models.create(request);
  }

  public ModelRecord model(String name) {
    return models.get(name);
  }

  /** Deletes the model; refused (409) while an endpoint's variant serves it; one already gone is success. */
  public void deleteModel(String name) {
    models.delete(name, n -> endpoints.list().stream()
        .filter(e -> e.variants().stream().anyMatch(v -> n.equals(v.modelName())))
        .map(Endpoint::name).findFirst().orElse(null));
  }

  // ---------------------------------------------------------------- endpoints and routing

  /** Creates the endpoint and waits for its model servers; adopts an existing endpoint with the same variants. */
  public Outcome<Endpoint> createEndpoint(Endpoint request) {
    return endpoints.create(request);
  }

  public Endpoint endpoint(String name) {
    return endpoints.get(name);
  }

  public List<Endpoint> endpoints() {
    return endpoints.list();
  }

  /** Adds a variant (adopting one of the same name and model); existing variants keep their weights. */
  public Outcome<Endpoint> addVariant(String endpoint, Variant request) {
    return endpoints.addVariant(endpoint, request);
  }

  /** Removes a variant; the last variant takes the endpoint with it. Absent endpoint or variant: no-op. */
  public Endpoint removeVariant(String endpoint, String variant) {
    return endpoints.removeVariant(endpoint, variant);
  }

  /** Deletes the endpoint; one already gone is success. */
  public void deleteEndpoint(String endpoint) {
    endpoints.delete(endpoint);
  }

  /**
   * Sets the endpoint's whole split (every variant, each 0..100, adding up to 100) and returns once the router routes
   * by it; anything else is refused and the endpoint keeps serving as it was.
   */
  public WeightsConfirmation setWeights(String endpoint, Map<String, Integer> weights) {
    return endpoints.setWeights(endpoint, weights);
  }

  /**
   * Labels of captured requests of the endpoint (by the InferenceId they were invoked with), written where a retrain
   * joins them with the capture: {@code <home>/ground-truth/<endpoint>}.
   */
  public Map<String, Object> putGroundTruth(String endpoint, List<GroundTruth.Label> labels) {
    StateStore.checkName("endpoint", endpoint);
    if (labels == null || labels.isEmpty()) {
      throw PlatformException.badRequest("labels must be a non-empty list of {inferenceId, data}");
    }
    try {
      Path file = GroundTruth.write(groundTruthRoot(), endpoint, labels, java.time.Instant.now());
      return Map.of("endpoint", endpoint, "labels", labels.size(), "file", file.toString());
    } catch (IllegalArgumentException e) {
      throw PlatformException.badRequest(e.getMessage());
    }
  }

  /** Where ground truth lives: {@code <home>/ground-truth/<endpoint>/...}. */
  public Path groundTruthRoot() {
    return home.resolve("ground-truth");
  }

  /** Mirrors the endpoint's traffic to {@code variant} asynchronously; clients keep getting the others' answers. */
  public Shadow setShadow(String endpoint, String variant) {
    return endpoints.setShadow(endpoint, variant, false);
  }

  /** With {@code pairsOnly}: the variant's answers to the copies are kept only as pairs (see {@link Shadow}). */
  public Shadow setShadow(String endpoint, String variant, boolean pairsOnly) {
    return endpoints.setShadow(endpoint, variant, pairsOnly);
  }

  public Shadow clearShadow(String endpoint) {
    return endpoints.clearShadow(endpoint);
  }

  public Shadow shadow(String endpoint) {
    endpoints.get(endpoint);
    return endpoints.shadow(endpoint);
  }

  public Endpoint setDataCapture(String endpoint, DataCaptureConfig dc) {
    return endpoints.setDataCapture(endpoint, dc);
  }

  // ---------------------------------------------------------------- alarms

  /** PutMetricAlarm: creates the alarm or updates its definition (state and watchers kept). */
  public Outcome<Alarm> putAlarm(AlarmDefinition d) {
    return alarms.put(d);
  }

  public Alarm alarm(String name) {
    return alarms.get(name);
  }

  public List<Alarm> alarms() {
    return alarms.list();
  }

  public void deleteAlarm(String name) {
    alarms.delete(name);
  }

  public AlarmState watch(String alarm, String workflowId, boolean add) {
    return alarms.watch(alarm, workflowId, add);
  }

  /** Evaluates every alarm now (tests and tools; the evaluator does it on every tick anyway). */
  public void evaluateAlarms() {
    alarms.evaluator.evaluateAll();
  }

  // ---------------------------------------------------------------- monitoring

  public Outcome<MonitoringSchedule> createSchedule(MonitoringSchedule request) {
    return monitoring.create(request);
  }

  public MonitoringSchedule schedule(String name) {
    return monitoring.get(name);
  }

  /** The endpoint's monitoring schedules (null: all), by name. */
  public List<MonitoringSchedule> schedules(String endpoint) {
    return monitoring.table.values().stream().filter(x -> endpoint == null || endpoint.equals(x.endpoint()))
        .sorted(java.util.Comparator.comparing(MonitoringSchedule::name)).toList();
  }

  public void deleteSchedule(String name) {
    monitoring.delete(name);
  }

  /** Runs one drift check of the schedule now (tests and tools). */
  public Map<String, Double> runMonitoringNow(String name) {
    return monitoring.runNow(name);
  }

  // ---------------------------------------------------------------- inventory

  /** GET /inventory: per kind, the resources that exist and the create/adopt/delete counts of every name seen. */
  public Map<String, Object> inventory() {
    return inventory.report();
  }

  static ThreadFactory daemon(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }

  @Override
  public void close() {
    if (api != null) {
      api.close();
    }
    alarms.close();
    monitoring.close();
    router.close();
    jobs.close();
    endpoints.close();
    modelServerThreads.shutdownNow();
    capture.close();
    log.info("local platform on {} stopped", home);
  }

  @Override
  public String toString() {
    return "LocalPlatform[" + home + ", control " + (api == null ? "-" : url()) + ", router " + routerUrl() + "]";
  }
}
