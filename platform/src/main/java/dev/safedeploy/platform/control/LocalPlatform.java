package dev.safedeploy.platform.control;

import dev.safedeploy.platform.alarms.AlarmEvaluator;
import dev.safedeploy.platform.alarms.AlarmRules;
import dev.safedeploy.platform.baseline.BaselineAnalyzer;
import dev.safedeploy.platform.data.BadDataException;
import dev.safedeploy.platform.api.Alarm;
import dev.safedeploy.platform.api.AlarmDefinition;
import dev.safedeploy.platform.api.AlarmState;
import dev.safedeploy.platform.api.DataCaptureConfig;
import dev.safedeploy.platform.api.Endpoint;
import dev.safedeploy.platform.api.JobStatus;
import dev.safedeploy.platform.api.ModelRecord;
import dev.safedeploy.platform.api.MonitoringSchedule;
import dev.safedeploy.platform.api.ProcessingJob;
import dev.safedeploy.platform.api.TrainingJob;
import dev.safedeploy.platform.api.Variant;
import dev.safedeploy.platform.api.WeightsConfirmation;
import dev.safedeploy.platform.serving.DataCapture;
import dev.safedeploy.platform.serving.HttpExchanges;
import dev.safedeploy.platform.serving.MetricsRegistry;
import dev.safedeploy.platform.serving.ModelServer;
import dev.safedeploy.platform.serving.Router;
import dev.safedeploy.platform.serving.RoutingTable;
import dev.safedeploy.platform.training.ModelLoadException;
import dev.safedeploy.platform.training.TrainedModel;
import dev.safedeploy.platform.training.XgbTrainer;
import dev.safedeploy.workflows.pipeline.Hyperparameters;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local model platform ("SageMaker + CloudWatch on one machine"): training and processing jobs, models,
 * endpoints with weighted variants served by model servers behind a router, CloudWatch-style alarms, data capture
 * and drift monitoring, with a JSON control API. All state lives under {@code home} and comes back on restart:
 * endpoints serve again with the same weights, and jobs that were InProgress run again under the same name.
 */
public final class LocalPlatform implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(LocalPlatform.class);

  static {
    // as early as this class is touched; a process that creates a JDK HttpServer before (a metrics endpoint, say)
    // must set -Dsun.net.httpserver.nodelay=true itself, or every router hop waits ~40 ms for a delayed ACK
    HttpExchanges.noDelay();
  }

  static final String TRAINING_JOBS = "training-jobs";
  static final String PROCESSING_JOBS = "processing-jobs";
  static final String MODELS = "models";
  static final String ENDPOINTS = "endpoints";
  static final String VARIANTS = "variants";
  static final String ALARMS = "alarms";
  static final String ALARM_STATES = "alarm-states";
  static final String SCHEDULES = "monitoring-schedules";
  static final String INVENTORY = "inventory";

  /** A create's answer: the resource and whether this call made it or found it. */
  public record Outcome<T>(T resource, boolean created) {}

  private final PlatformConfig config;
  private final Path home;
  private final StateStore store;
  private final Inventory inventory;
  private final Map<String, String> corrupt = new ConcurrentHashMap<>();
  private final Map<String, TrainingJob> trainingJobs = new ConcurrentHashMap<>();
  private final Map<String, ProcessingJob> processingJobs = new ConcurrentHashMap<>();
  private final Map<String, ModelRecord> models = new ConcurrentHashMap<>();
  private final Map<String, Endpoint> endpoints = new ConcurrentHashMap<>();
  private final Map<String, Map<String, ModelServer>> servers = new ConcurrentHashMap<>();
  private final Map<String, Object> endpointLocks = new ConcurrentHashMap<>();
  private final MetricsRegistry metrics = new MetricsRegistry();
  private final ExecutorService jobs;
  private final ExecutorService modelServerThreads;
  private final DataCapture capture;
  private final Router router;
  private final AlarmEvaluator evaluator;
  private final DriftMonitor monitor;
  private ControlApi api;
  private volatile boolean closed;

  private LocalPlatform(PlatformConfig config) throws IOException {
    this.config = config;
    this.home = config.home().toAbsolutePath();
    Files.createDirectories(home);
    this.store = new StateStore(home.resolve("state"));
    this.inventory = loadInventory();
    this.jobs = Executors.newFixedThreadPool(config.jobThreads(), daemon("platform-job"));
    this.modelServerThreads = Executors.newCachedThreadPool(daemon("model-server"));
    this.capture = new DataCapture(home.resolve("capture"));
    this.router = new Router(config.bindHost(), config.routerPort(), metrics, capture, config.maxPayloadBytes(),
        config.routerThreads());
    this.evaluator = new AlarmEvaluator(metrics, config.alarmSink(), this::saveAlarmState, Clock.systemUTC());
    this.monitor = new DriftMonitor(this, metrics);
  }

  /** Starts the platform on its home, restoring whatever state is there. */
  public static LocalPlatform start(PlatformConfig config) {
    LocalPlatform p = null;
    try {
      p = new LocalPlatform(config);
      p.restore();
      p.api = new ControlApi(p, config.bindHost(), config.controlPort());
      p.evaluator.start(config.alarmTick());
      log.info("local platform up: control {} router {} home {}", p.url(), p.routerUrl(), p.home);
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
    ModelServer s = servers.getOrDefault(endpoint, Map.of()).get(variant);
    return s == null ? null : s.uri();
  }

  public MetricsRegistry metrics() {
    return metrics;
  }

  public DataCapture capture() {
    return capture;
  }

  AlarmEvaluator evaluator() {
    return evaluator;
  }

  /** State files that could not be read on start, name -> problem naming the file. */
  public Map<String, String> corruptStateFiles() {
    return Map.copyOf(corrupt);
  }

  // ---------------------------------------------------------------- restore

  private Inventory loadInventory() {
    Path f = store.file(INVENTORY, INVENTORY);
    if (!Files.exists(f)) {
      return new Inventory();
    }
    try {
      return StateStore.JSON.readValue(f.toFile(), Inventory.class);
    } catch (IOException e) {
      String problem = "state file " + f + " is corrupt; inventory counts restart from zero: " + e.getMessage();
      log.error(problem);
      corrupt.put(INVENTORY + "/" + INVENTORY, problem);
      return new Inventory();
    }
  }

  private void restore() {
    StateStore.Loaded<ModelRecord> ms = store.loadAll(MODELS, ModelRecord.class);
    models.putAll(ms.values());
    note(MODELS, ms.corrupt());
    StateStore.Loaded<TrainingJob> tj = store.loadAll(TRAINING_JOBS, TrainingJob.class);
    trainingJobs.putAll(tj.values());
    note(TRAINING_JOBS, tj.corrupt());
    StateStore.Loaded<ProcessingJob> pj = store.loadAll(PROCESSING_JOBS, ProcessingJob.class);
    processingJobs.putAll(pj.values());
    note(PROCESSING_JOBS, pj.corrupt());
    trainingJobs.values().stream().filter(j -> j.status() == JobStatus.InProgress).forEach(j -> {
      log.info("training job {} was InProgress when the platform stopped: running it again", j.name());
      submitTraining(j);
    });
    processingJobs.values().stream().filter(j -> j.status() == JobStatus.InProgress).forEach(j -> {
      log.info("processing job {} was InProgress when the platform stopped: running it again", j.name());
      submitProcessing(j);
    });
    StateStore.Loaded<Endpoint> es = store.loadAll(ENDPOINTS, Endpoint.class);
    note(ENDPOINTS, es.corrupt());
    for (Endpoint e : es.values().values()) {
      endpoints.put(e.name(), e);
      if ("InService".equals(e.status())) {
        synchronized (lock(e.name())) {
          restoreEndpoint(e);
        }
      }
    }
    StateStore.Loaded<AlarmDefinition> as = store.loadAll(ALARMS, AlarmDefinition.class);
    note(ALARMS, as.corrupt());
    StateStore.Loaded<AlarmState> states = store.loadAll(ALARM_STATES, AlarmState.class);
    note(ALARM_STATES, states.corrupt());
    as.values().values().forEach(d -> {
      AlarmState s = states.values().get(d.name());
      // a restored alarm keeps its state and watchers; it transitions again only when the data says so
      evaluator.put(d, s);
    });
    StateStore.Loaded<MonitoringSchedule> sc = store.loadAll(SCHEDULES, MonitoringSchedule.class);
    note(SCHEDULES, sc.corrupt());
    sc.values().values().forEach(monitor::schedule);
  }

  private void note(String kind, Map<String, String> problems) {
    problems.forEach((name, problem) -> corrupt.put(kind + "/" + name, problem));
  }

  private void restoreEndpoint(Endpoint e) {
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
    RoutingTable table = null;
    if (failure == null) {
      try {
        table = table(now);
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
      now = now.withConfirmedAt(router.update(table));
      log.info("endpoint {} restored with weights {}", e.name(), table.weights());
    }
    endpoints.put(e.name(), now);
    store.save(ENDPOINTS, e.name(), now);
  }

  // ---------------------------------------------------------------- jobs

  public Outcome<TrainingJob> createTrainingJob(TrainingJob request) {
    StateStore.checkName("training job", request.name());
    require(request.trainPath(), "trainPath");
    require(request.validationPath(), "validationPath");
    synchronized (trainingJobs) {
      refuseCorrupt(TRAINING_JOBS, request.name());
      TrainingJob existing = trainingJobs.get(request.name());
      if (existing != null) {
        adopted(TRAINING_JOBS, request.name());
        return new Outcome<>(existing, false);
      }
      Map<String, String> hp = Hyperparameters.withDefaults(request.hyperparameters());
      TrainingJob job = new TrainingJob(request.name(), request.model(), request.version(), request.trainPath(),
          request.validationPath(), hp, JobStatus.InProgress, null, null, null, null, null, Instant.now(), null);
      trainingJobs.put(job.name(), job);
      store.save(TRAINING_JOBS, job.name(), job);
      created(TRAINING_JOBS, job.name());
      submitTraining(job);
      return new Outcome<>(job, true);
    }
  }

  private void submitTraining(TrainingJob job) {
    jobs.execute(() -> runTraining(job));
  }

  private void runTraining(TrainingJob job) {
    Path out = home.resolve("jobs").resolve(TRAINING_JOBS).resolve(job.name());
    TrainingJob done;
    try {
      deleteRecursively(out);
      TrainedModel m = XgbTrainer.train(Path.of(job.trainPath()), Path.of(job.validationPath()),
          job.hyperparameters(), out, round -> { });
      done = job.completed(m.validationRmse(), m.rounds(), m.trainingMillis(), m.artifact().toString());
      log.info("training job {} completed: validation:rmse {} after {} rounds", job.name(), m.validationRmse(),
          m.rounds());
    } catch (BadDataException e) {
      done = job.withStatus(JobStatus.Failed, "BadData: " + e.getMessage());
    } catch (RuntimeException | IOException e) {
      done = job.withStatus(JobStatus.Failed, "AlgorithmError: " + e.getMessage());
    }
    if (closed) {
      return; // interrupted by close(): stays InProgress on disk and runs again on the next start
    }
    if (done.status() == JobStatus.Failed) {
      log.warn("training job {} failed: {}", job.name(), done.failureReason());
    }
    trainingJobs.put(done.name(), done);
    store.save(TRAINING_JOBS, done.name(), done);
  }

  public TrainingJob trainingJob(String name) {
    refuseCorrupt(TRAINING_JOBS, name);
    TrainingJob j = trainingJobs.get(name);
    if (j == null) {
      throw PlatformException.notFound("training job " + name + " does not exist");
    }
    return j;
  }

  public Outcome<ProcessingJob> createProcessingJob(ProcessingJob request) {
    StateStore.checkName("processing job", request.name());
    require(request.baselinePath(), "baselinePath");
    synchronized (processingJobs) {
      refuseCorrupt(PROCESSING_JOBS, request.name());
      ProcessingJob existing = processingJobs.get(request.name());
      if (existing != null) {
        adopted(PROCESSING_JOBS, request.name());
        return new Outcome<>(existing, false);
      }
      ProcessingJob job = new ProcessingJob(request.name(), request.model(), request.version(),
          request.baselinePath(), JobStatus.InProgress, null, null, null, Instant.now(), null);
      processingJobs.put(job.name(), job);
      store.save(PROCESSING_JOBS, job.name(), job);
      created(PROCESSING_JOBS, job.name());
      submitProcessing(job);
      return new Outcome<>(job, true);
    }
  }

  private void submitProcessing(ProcessingJob job) {
    jobs.execute(() -> {
      Path out = home.resolve("jobs").resolve(PROCESSING_JOBS).resolve(job.name());
      ProcessingJob done;
      try {
        deleteRecursively(out);
        BaselineAnalyzer.BaselineFiles f = BaselineAnalyzer.analyze(Path.of(job.baselinePath()), out);
        done = job.completed(f.statistics().toString(), f.constraints().toString());
      } catch (BadDataException e) {
        done = job.failed("BadData: " + e.getMessage());
      } catch (RuntimeException | IOException e) {
        done = job.failed("ClientError: " + e.getMessage());
      }
      if (closed) {
        return;
      }
      processingJobs.put(done.name(), done);
      store.save(PROCESSING_JOBS, done.name(), done);
    });
  }

  public ProcessingJob processingJob(String name) {
    refuseCorrupt(PROCESSING_JOBS, name);
    ProcessingJob j = processingJobs.get(name);
    if (j == null) {
      throw PlatformException.notFound("processing job " + name + " does not exist");
    }
    return j;
  }

  // ---------------------------------------------------------------- models

  public Outcome<ModelRecord> createModel(ModelRecord request) {
    StateStore.checkName("model", request.name());
    require(request.artifact(), "artifact");
    synchronized (models) {
      refuseCorrupt(MODELS, request.name());
      ModelRecord existing = models.get(request.name());
      if (existing != null) {
        adopted(MODELS, request.name());
        return new Outcome<>(existing, false);
      }
      if (!Files.isRegularFile(Path.of(request.artifact()))) {
        throw PlatformException.badRequest("model " + request.name() + ": artifact " + request.artifact()
            + " does not exist");
      }
      ModelRecord m = new ModelRecord(request.name(), request.artifact(), request.model(), request.version(),
          request.validationRmse(), Instant.now());
      models.put(m.name(), m);
      store.save(MODELS, m.name(), m);
      created(MODELS, m.name());
      return new Outcome<>(m, true);
    }
  }

  public ModelRecord model(String name) {
    refuseCorrupt(MODELS, name);
    ModelRecord m = models.get(name);
    if (m == null) {
      throw PlatformException.notFound("model " + name + " does not exist");
    }
    return m;
  }

  // ---------------------------------------------------------------- endpoints

  private Object lock(String endpoint) {
    return endpointLocks.computeIfAbsent(endpoint, e -> new Object());
  }

  /** Creates the endpoint and waits for its model servers; adopts an existing endpoint with the same variants. */
  public Outcome<Endpoint> createEndpoint(Endpoint request) {
    StateStore.checkName("endpoint", request.name());
    if (request.variants() == null || request.variants().isEmpty()) {
      throw PlatformException.badRequest("endpoint " + request.name() + " needs at least one variant");
    }
    for (Variant v : request.variants()) {
      StateStore.checkName("variant", v.name());
      checkWeight(v.name(), v.weight());
      model(v.modelName());
    }
    synchronized (lock(request.name())) {
      refuseCorrupt(ENDPOINTS, request.name());
      Endpoint existing = endpoints.get(request.name());
      if (existing != null) {
        List<String> want = request.variants().stream().map(v -> v.name() + "=" + v.modelName()).sorted().toList();
        List<String> have = existing.variants().stream().map(v -> v.name() + "=" + v.modelName()).sorted().toList();
        if (!want.equals(have)) {
          throw PlatformException.conflict("endpoint " + request.name() + " exists with variants " + have
              + ", not " + want);
        }
        adopted(ENDPOINTS, request.name());
        return new Outcome<>(existing, false);
      }
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
      Endpoint e = new Endpoint(request.name(), request.model(), started, dc, "InService", null, Instant.now(),
          null);
      if (failure != null) {
        stopServers(e.name());
        e = e.withStatus("Failed", failure);
        log.warn("endpoint {} failed: {}", e.name(), failure);
      } else {
        e = e.withConfirmedAt(router.update(table(e)));
      }
      endpoints.put(e.name(), e);
      store.save(ENDPOINTS, e.name(), e);
      created(ENDPOINTS, e.name());
      for (Variant v : started) {
        created(VARIANTS, e.name() + "/" + v.name());
      }
      return new Outcome<>(e, true);
    }
  }

  public Endpoint endpoint(String name) {
    refuseCorrupt(ENDPOINTS, name);
    Endpoint e = endpoints.get(name);
    if (e == null) {
      throw PlatformException.notFound("endpoint " + name + " does not exist");
    }
    return e;
  }

  public List<Endpoint> endpoints() {
    return endpoints.values().stream().sorted(Comparator.comparing(Endpoint::name)).toList();
  }

  /**
   * Adds a variant (adopting one of the same name and model); existing variants keep their weights. A model that does
   * not load leaves the endpoint as it was and fails the call, as a failed SageMaker UpdateEndpoint does.
   */
  public Outcome<Endpoint> addVariant(String endpoint, Variant request) {
    StateStore.checkName("variant", request.name());
    checkWeight(request.name(), request.weight());
    model(request.modelName());
    synchronized (lock(endpoint)) {
      Endpoint e = endpoint(endpoint);
      if (!"InService".equals(e.status())) {
        throw PlatformException.conflict("endpoint " + endpoint + " is " + e.status() + ": " + e.failureReason());
      }
      Variant existing = e.variant(request.name());
      if (existing != null) {
        if (!existing.modelName().equals(request.modelName())) {
          throw PlatformException.conflict("endpoint " + endpoint + " already has variant " + request.name()
              + " serving model " + existing.modelName() + ", not " + request.modelName());
        }
        adopted(VARIANTS, endpoint + "/" + request.name());
        return new Outcome<>(e, false);
      }
      Variant nv = new Variant(request.name(), request.modelName(), request.weight(),
          Math.max(1, request.instanceCount()), request.instanceType() == null ? "local" : request.instanceType(),
          "InService", null);
      startServer(endpoint, nv);
      List<Variant> vs = new ArrayList<>(e.variants());
      vs.add(nv);
      Endpoint updated = e.withVariants(vs);
      store.save(ENDPOINTS, endpoint, updated);
      updated = updated.withConfirmedAt(router.update(table(updated)));
      endpoints.put(endpoint, updated);
      created(VARIANTS, endpoint + "/" + nv.name());
      return new Outcome<>(updated, true);
    }
  }

  /** Removes a variant; the last variant takes the endpoint with it. Absent endpoint or variant: no-op. */
  public Endpoint removeVariant(String endpoint, String variant) {
    synchronized (lock(endpoint)) {
      Endpoint e = endpoints.get(endpoint);
      if (e == null || e.variant(variant) == null) {
        return e;
      }
      if (e.variants().size() == 1) {
        deleteEndpoint(endpoint);
        return null;
      }
      List<Variant> vs = new ArrayList<>(e.variants());
      vs.removeIf(v -> v.name().equals(variant));
      Endpoint updated = e.withVariants(vs);
      if ("InService".equals(e.status())) {
        updated = updated.withConfirmedAt(router.update(table(updated)));
      }
      endpoints.put(endpoint, updated);
      store.save(ENDPOINTS, endpoint, updated);
      ModelServer ms = servers.getOrDefault(endpoint, Map.of()).remove(variant);
      if (ms != null) {
        ms.close();
      }
      deleted(VARIANTS, endpoint + "/" + variant);
      return updated;
    }
  }

  /** Deletes the endpoint; one already gone is success. */
  public void deleteEndpoint(String endpoint) {
    synchronized (lock(endpoint)) {
      Endpoint e = endpoints.remove(endpoint);
      router.remove(endpoint);
      stopServers(endpoint);
      store.delete(ENDPOINTS, endpoint);
      corrupt.remove(ENDPOINTS + "/" + endpoint);
      metrics.dropEndpoint(endpoint);
      if (e != null) {
        e.variants().forEach(v -> deleted(VARIANTS, endpoint + "/" + v.name()));
        deleted(ENDPOINTS, endpoint);
        log.info("endpoint {} deleted", endpoint);
      }
    }
  }

  /**
   * Sets the endpoint's split and returns once the router routes by it; the confirmation time is taken after the
   * routing table switched. The split is checked whole under the endpoint's lock (see {@link #refuseBadSplit}), so a
   * refused change leaves the endpoint serving as it was.
   */
  public WeightsConfirmation setWeights(String endpoint, Map<String, Integer> weights) {
    if (weights == null || weights.isEmpty()) {
      throw PlatformException.badRequest("no weights given for endpoint " + endpoint);
    }
    synchronized (lock(endpoint)) {
      Endpoint e = endpoint(endpoint);
      if (!"InService".equals(e.status())) {
        throw PlatformException.conflict("endpoint " + endpoint + " is " + e.status() + ": " + e.failureReason());
      }
      refuseBadSplit(e, weights);
      List<Variant> vs = e.variants().stream().map(v -> v.withWeight(weights.get(v.name()))).toList();
      Endpoint updated = e.withVariants(vs);
      // durable first, then live: a crash between the two restores the new split, which is what was asked
      store.save(ENDPOINTS, endpoint, updated);
      RoutingTable t = table(updated);
      Instant confirmed = router.update(t);
      updated = updated.withConfirmedAt(confirmed);
      endpoints.put(endpoint, updated);
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

  public Endpoint setDataCapture(String endpoint, DataCaptureConfig dc) {
    if (dc.samplingPercent() < 0 || dc.samplingPercent() > 100) {
      throw PlatformException.badRequest("samplingPercent must be in [0, 100], got " + dc.samplingPercent());
    }
    synchronized (lock(endpoint)) {
      Endpoint updated = endpoint(endpoint).withDataCapture(dc);
      store.save(ENDPOINTS, endpoint, updated);
      if ("InService".equals(updated.status())) {
        updated = updated.withConfirmedAt(router.update(table(updated)));
      }
      endpoints.put(endpoint, updated);
      return updated;
    }
  }

  private void startServer(String endpoint, Variant v) {
    ModelRecord m = models.get(v.modelName());
    if (m == null) {
      throw new PlatformException(404, PlatformException.NOT_FOUND, "model " + v.modelName() + " does not exist");
    }
    try {
      ModelServer ms = ModelServer.start(endpoint + "/" + v.name(), Path.of(m.artifact()), config.bindHost(),
          modelServerThreads, config.maxPayloadBytes());
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

  private RoutingTable table(Endpoint e) {
    Map<String, ModelServer> ms = servers.getOrDefault(e.name(), Map.of());
    List<RoutingTable.Route> routes = new ArrayList<>();
    for (Variant v : e.variants()) {
      ModelServer s = ms.get(v.name());
      if (s != null) {
        routes.add(new RoutingTable.Route(v.name(), s.uri().resolve("/invocations"), v.weight()));
      }
    }
    return RoutingTable.of(e.name(), routes, e.dataCapture());
  }

  // ---------------------------------------------------------------- alarms

  /** PutMetricAlarm: creates the alarm or updates its definition (state and watchers kept). */
  public Outcome<Alarm> putAlarm(AlarmDefinition d) {
    StateStore.checkName("alarm", d.name());
    List<String> problems = AlarmRules.problems(d);
    if (!problems.isEmpty()) {
      throw PlatformException.badRequest("alarm " + d.name() + ": " + String.join("; ", problems));
    }
    synchronized (evaluator) {
      refuseCorrupt(ALARMS, d.name());
      AlarmDefinition existing = evaluator.definition(d.name());
      store.save(ALARMS, d.name(), d);
      if (existing != null && existing.equals(d)) {
        adopted(ALARMS, d.name());
        return new Outcome<>(alarm(d.name()), false);
      }
      evaluator.put(d, null);
      saveAlarmState(evaluator.state(d.name()));
      if (existing == null) {
        created(ALARMS, d.name());
      } else {
        adopted(ALARMS, d.name());
      }
      return new Outcome<>(alarm(d.name()), existing == null);
    }
  }

  public Alarm alarm(String name) {
    refuseCorrupt(ALARMS, name);
    AlarmDefinition d = evaluator.definition(name);
    if (d == null) {
      throw PlatformException.notFound("alarm " + name + " does not exist");
    }
    return new Alarm(d, evaluator.state(name));
  }

  public List<Alarm> alarms() {
    List<Alarm> out = new ArrayList<>();
    evaluator.names().stream().sorted().forEach(n -> {
      AlarmDefinition d = evaluator.definition(n);
      if (d != null) {
        out.add(new Alarm(d, evaluator.state(n)));
      }
    });
    return out;
  }

  public void deleteAlarm(String name) {
    synchronized (evaluator) {
      boolean existed = evaluator.definition(name) != null;
      evaluator.remove(name);
      store.delete(ALARMS, name);
      store.delete(ALARM_STATES, name);
      if (existed) {
        deleted(ALARMS, name);
      }
    }
  }

  public AlarmState watch(String alarm, String workflowId, boolean add) {
    if (workflowId == null || workflowId.isBlank()) {
      throw PlatformException.badRequest("workflow id is required");
    }
    AlarmState s = evaluator.watch(alarm, workflowId, add);
    if (s == null) {
      if (!add) {
        return null;
      }
      throw PlatformException.notFound("alarm " + alarm + " does not exist");
    }
    return s;
  }

  private void saveAlarmState(AlarmState s) {
    if (s != null) {
      store.save(ALARM_STATES, s.name(), s);
    }
  }

  /** Evaluates every alarm now (tests and tools; the evaluator does it on every tick anyway). */
  public void evaluateAlarms() {
    evaluator.evaluateAll();
  }

  // ---------------------------------------------------------------- monitoring

  public Outcome<MonitoringSchedule> createSchedule(MonitoringSchedule request) {
    StateStore.checkName("monitoring schedule", request.name());
    require(request.endpoint(), "endpoint");
    require(request.statisticsPath(), "statisticsPath");
    if (!(request.intervalSeconds() > 0)) {
      throw PlatformException.badRequest("intervalSeconds must be positive, got " + request.intervalSeconds());
    }
    if (!Files.isRegularFile(Path.of(request.statisticsPath()))) {
      throw PlatformException.badRequest("statistics " + request.statisticsPath() + " does not exist");
    }
    synchronized (monitor) {
      refuseCorrupt(SCHEDULES, request.name());
      MonitoringSchedule existing = monitor.get(request.name());
      if (existing != null) {
        adopted(SCHEDULES, request.name());
        return new Outcome<>(existing, false);
      }
      MonitoringSchedule s = new MonitoringSchedule(request.name(), request.endpoint(), request.statisticsPath(),
          request.constraintsPath(), request.intervalSeconds(), Instant.now());
      store.save(SCHEDULES, s.name(), s);
      monitor.schedule(s);
      created(SCHEDULES, s.name());
      return new Outcome<>(s, true);
    }
  }

  public MonitoringSchedule schedule(String name) {
    refuseCorrupt(SCHEDULES, name);
    MonitoringSchedule s = monitor.get(name);
    if (s == null) {
      throw PlatformException.notFound("monitoring schedule " + name + " does not exist");
    }
    return s;
  }

  public void deleteSchedule(String name) {
    synchronized (monitor) {
      if (monitor.unschedule(name)) {
        deleted(SCHEDULES, name);
      }
      store.delete(SCHEDULES, name);
    }
  }

  /** Runs one drift check of the schedule now (tests and tools). */
  public Map<String, Double> runMonitoringNow(String name) {
    return monitor.runOnce(schedule(name));
  }

  // ---------------------------------------------------------------- inventory

  /** GET /inventory: per kind, the resources that exist and the create/adopt/delete counts of every name seen. */
  public Map<String, Object> inventory() {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("trainingJobs", section(TRAINING_JOBS, n -> {
      TrainingJob j = trainingJobs.get(n);
      return j == null ? null : j.status().name();
    }));
    out.put("processingJobs", section(PROCESSING_JOBS, n -> {
      ProcessingJob j = processingJobs.get(n);
      return j == null ? null : j.status().name();
    }));
    out.put("models", section(MODELS, n -> models.containsKey(n) ? "Registered" : null));
    Map<String, Object> eps = section(ENDPOINTS, n -> {
      Endpoint e = endpoints.get(n);
      return e == null ? null : e.status();
    });
    @SuppressWarnings("unchecked")
    Map<String, Map<String, Object>> items = (Map<String, Map<String, Object>>) eps.get("items");
    Map<String, Inventory.Counts> variantCounts = inventory.of(VARIANTS);
    items.forEach((name, item) -> {
      Map<String, Object> vs = new TreeMap<>();
      Endpoint e = endpoints.get(name);
      variantCounts.forEach((key, c) -> {
        if (key.startsWith(name + "/")) {
          String v = key.substring(name.length() + 1);
          Variant live = e == null ? null : e.variant(v);
          Map<String, Object> vi = new LinkedHashMap<>();
          vi.put("exists", live != null);
          vi.put("model", live == null ? null : live.modelName());
          vi.put("weight", live == null ? null : live.weight());
          vi.put("created", c.created);
          vi.put("adopted", c.adopted);
          vi.put("deleted", c.deleted);
          vs.put(v, vi);
        }
      });
      item.put("variantCount", e == null ? 0 : e.variants().size());
      item.put("variants", vs);
    });
    out.put("endpoints", eps);
    out.put("alarms", section(ALARMS, n -> {
      AlarmState s = evaluator.state(n);
      return s == null ? null : s.state();
    }));
    out.put("monitoringSchedules", section(SCHEDULES, n -> monitor.get(n) == null ? null : "Scheduled"));
    out.put("corruptStateFiles", List.copyOf(new TreeMap<>(corrupt).values()));
    return out;
  }

  private Map<String, Object> section(String kind, java.util.function.Function<String, String> status) {
    Map<String, Object> items = new TreeMap<>();
    int count = 0;
    for (Map.Entry<String, Inventory.Counts> e : inventory.of(kind).entrySet()) {
      String s = status.apply(e.getKey());
      count += s == null ? 0 : 1;
      Map<String, Object> item = new LinkedHashMap<>();
      item.put("exists", s != null);
      item.put("status", s);
      item.put("created", e.getValue().created);
      item.put("adopted", e.getValue().adopted);
      item.put("deleted", e.getValue().deleted);
      items.put(e.getKey(), item);
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("count", count);
    out.put("items", items);
    return out;
  }

  private void created(String kind, String name) {
    inventory.created(kind, name);
    saveInventory();
  }

  private void adopted(String kind, String name) {
    inventory.adopted(kind, name);
    saveInventory();
  }

  private void deleted(String kind, String name) {
    inventory.deleted(kind, name);
    saveInventory();
  }

  private void saveInventory() {
    synchronized (inventory) {
      store.save(INVENTORY, INVENTORY, inventory);
    }
  }

  // ---------------------------------------------------------------- helpers

  private void refuseCorrupt(String kind, String name) {
    String problem = corrupt.get(kind + "/" + name);
    if (problem != null) {
      throw new PlatformException(500, PlatformException.CORRUPT_STATE, problem);
    }
  }

  private static void require(String value, String field) {
    if (value == null || value.isBlank()) {
      throw PlatformException.badRequest(field + " is required");
    }
  }

  private static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }

  @Override
  public void close() {
    closed = true;
    if (api != null) {
      api.close();
    }
    evaluator.close();
    monitor.close();
    router.close();
    jobs.shutdownNow();
    try {
      jobs.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    for (String e : List.copyOf(servers.keySet())) {
      stopServers(e);
    }
    modelServerThreads.shutdownNow();
    capture.close();
    log.info("local platform on {} stopped", home);
  }

  @Override
  public String toString() {
    return "LocalPlatform[" + home + ", control " + (api == null ? "-" : url()) + ", router " + routerUrl() + "]";
  }

}
