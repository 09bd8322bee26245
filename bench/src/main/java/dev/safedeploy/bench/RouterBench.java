package dev.safedeploy.bench;

import dev.safedeploy.platform.api.ModelRecord;
import dev.safedeploy.platform.api.Variant;
import dev.safedeploy.platform.serving.ModelServer;
import dev.safedeploy.worker.ScratchDirectory;
import dev.safedeploy.workflows.pipeline.Outcome;
import dev.safedeploy.workflows.pipeline.PipelineRequest;
import dev.safedeploy.workflows.pipeline.PipelineResult;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The platform's router at a 90/10 split, against calling one model server directly, and against nginx with
 * {@code split_clients} 90/10 in front of two model servers, under the same closed-loop load in one run. nginx and wrk
 * are installed with apt-get when missing and this is root; whatever cannot be had is reported unavailable.
 */
public final class RouterBench {

  static final String MODEL = "rtbench";

  /**
   * @param rounds how many times router and nginx are measured, alternating which goes first, so that both see the
   *     same drift in background load; the report gives the median of the per-round figures and ratios
   */
  public record Options(Path home, int connections, Duration duration, boolean install, int rounds) {
    public Options(Path home, int connections, Duration duration, boolean install) {
      this(home, connections, duration, install, 1);
    }
  }

  private final Options options;
  private final PrintStream progress;

  public RouterBench(Options options, PrintStream progress) {
    if (options.connections() < 1 || options.connections() > 256) {
      throw new IllegalArgumentException("--connections must be in [1, 256], got " + options.connections());
    }
    if (options.duration().isNegative() || options.duration().toSeconds() < 1
        || options.duration().toSeconds() > 120) {
      throw new IllegalArgumentException("--duration must be 1-120 s, got " + options.duration());
    }
    if (options.rounds() < 1 || options.rounds() > 50) {
      throw new IllegalArgumentException("--rounds must be in [1, 50], got " + options.rounds());
    }
    this.options = options;
    this.progress = progress;
  }

  public BenchReport run() throws Exception {
    Path home = options.home().toAbsolutePath();
    ScratchDirectory.wipe(home);
    Files.createDirectories(home);
    BenchReport report = new BenchReport("router");
    boolean wrk = available("wrk", report);
    boolean nginx = available("nginx", report);
    BenchData data = BenchData.generate(home.resolve("data"), 10_000);
    String row = Files.readAllLines(data.good().test()).get(0);
    row = row.substring(row.indexOf(',') + 1);
    ExecutorService serverThreads = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "bench-model-server");
      t.setDaemon(true);
      return t;
    });
    List<ModelServer> servers = new ArrayList<>();
    Process nginxProcess = null;
    try (LocalStack stack = LocalStack.start(home.resolve("stack"), true, Duration.ofSeconds(60))) {
      progress.println("bench router: deploying " + MODEL + " v1 through the pipeline");
      deploy(stack, data);
      String endpoint = MODEL + "-prod";
      String artifact = stack.platform().model(MODEL + "-v1").artifact();
      // a second variant of the same model, so that the split costs what a canary's costs
      stack.platform().createModel(new ModelRecord(MODEL + "-v1b", artifact, MODEL, "v1b", 1.0, null));
      stack.platform().addVariant(endpoint, new Variant("v1b", MODEL + "-v1b", 0, 1, null, null, null));
      stack.platform().setWeights(endpoint, Map.of("v1", 90, "v1b", 10));
      URI routed = stack.platform().routerUrl().resolve("/endpoints/" + endpoint + "/invocations");

      ModelServer direct = ModelServer.start("bench-direct", Path.of(artifact), "127.0.0.1", serverThreads,
          6 * 1024 * 1024);
      servers.add(direct);
      URI directUri = direct.uri().resolve("/invocations");
      URI nginxUri = null;
      if (nginx) {
        ModelServer blue = ModelServer.start("bench-nginx-blue", Path.of(artifact), "127.0.0.1", serverThreads,
            6 * 1024 * 1024);
        ModelServer green = ModelServer.start("bench-nginx-green", Path.of(artifact), "127.0.0.1", serverThreads,
            6 * 1024 * 1024);
        servers.add(blue);
        servers.add(green);
        int port = freePort();
        nginxProcess = startNginx(home.resolve("nginx"), port, blue.uri(), green.uri());
        nginxUri = URI.create("http://127.0.0.1:" + port + "/invocations");
      }

      LoadGenerator load = new LoadGenerator(options.connections(), options.duration(), row, home);
      progress.println("bench router: " + options.duration().toSeconds() + " s per target, " + options.connections()
          + " connections, " + (wrk ? "wrk" : "Java load loop"));
      // warm-up: JIT for the model servers, the router and the client; every JVM target runs compiled code
      load.run(directUri, wrk);
      load.run(routed, wrk);
      LoadGenerator.Result d = load.run(directUri, wrk);
      List<LoadGenerator.Result> routerRounds = new ArrayList<>();
      List<LoadGenerator.Result> nginxRounds = new ArrayList<>();
      for (int round = 0; round < options.rounds(); round++) {
        // alternate the order, so that neither target always runs right after the other's load
        if (nginxUri != null && round % 2 == 1) {
          nginxRounds.add(load.run(nginxUri, wrk));
        }
        routerRounds.add(load.run(routed, wrk));
        if (nginxUri != null && round % 2 == 0) {
          nginxRounds.add(load.run(nginxUri, wrk));
        }
      }
      LoadGenerator.Result r = medianRound(routerRounds);
      put(report, "router9010", r);
      put(report, "direct", d);
      report.put("routerOverDirectThroughput", r.requestsPerSecond() / d.requestsPerSecond())
          .put("routerOverDirectP50", r.p50Millis() / d.p50Millis())
          .put("routerOverDirectP99", r.p99Millis() / d.p99Millis());
      if (nginxUri != null) {
        LoadGenerator.Result n = medianRound(nginxRounds);
        put(report, "nginx9010", n);
        List<Double> throughput = new ArrayList<>();
        List<Double> p99 = new ArrayList<>();
        for (int i = 0; i < routerRounds.size(); i++) {
          throughput.add(routerRounds.get(i).requestsPerSecond() / nginxRounds.get(i).requestsPerSecond());
          p99.add(routerRounds.get(i).p99Millis() / nginxRounds.get(i).p99Millis());
        }
        report.put("routerOverNginxThroughput", median(throughput))
            .put("routerOverNginxP50", r.p50Millis() / n.p50Millis())
            .put("routerOverNginxP99", median(p99))
            .put("roundsRouterP99AtOrUnderNginx", p99.stream().filter(x -> x <= 1.0).count())
            .put("routerOverNginxThroughputPerRound", rounded(throughput))
            .put("routerOverNginxP99PerRound", rounded(p99));
        fixedRate(report, routed, nginxUri, n.requestsPerSecond(), row, home);
      } else {
        report.put("nginx9010", "unavailable");
      }
      report.put("rounds", options.rounds());
      if (options.rounds() > 1) {
        report.note("router and nginx measured " + options.rounds() + " times each, alternating which goes first; "
            + "their figures are the per-round medians, the ratios the median of the per-round ratios");
      }
      report.put("connections", options.connections())
          .put("secondsPerTarget", options.duration().toSeconds())
          .note("one CSV row per request; every target is a model server of the platform's kind (same artifact); "
              + "nginx: 1 worker process, keepalive upstreams, split_clients on $request_id")
          .note("load generator, targets and servers share this machine's cores");
      return report;
    } finally {
      if (nginxProcess != null) {
        nginxProcess.destroy();
        if (!nginxProcess.waitFor(10, TimeUnit.SECONDS)) {
          nginxProcess.destroyForcibly();
        }
      }
      servers.forEach(ModelServer::close);
      serverThreads.shutdownNow();
    }
  }

  /** Fixed rates, as fractions of nginx's closed-loop throughput, at which router and nginx are compared. */
  static final double[] FIXED_RATE_FRACTIONS = {0.5, 0.8};

  /**
   * Router and nginx at the same request rates (open loop, {@link FixedRateLoad}), in alternating rounds: the closed
   * loop above runs each at its own saturation, so a router that serves twice the requests is measured at twice the
   * load; at one rate their tails compare like for like.
   */
  private void fixedRate(BenchReport report, URI routed, URI nginxUri, double nginxMax, String row, Path home)
      throws IOException, InterruptedException {
    int rounds = Math.min(options.rounds(), 3);
    int seconds = (int) options.duration().toSeconds();
    for (double fraction : FIXED_RATE_FRACTIONS) {
      double rate = Math.floor(nginxMax * fraction);
      String key = "fixedRate" + Math.round(fraction * 100);
      progress.println("bench router: router and nginx at " + (long) rate + " req/s (" + Math.round(fraction * 100)
          + "% of nginx's closed-loop rate), " + rounds + " rounds");
      List<FixedRateLoad.Result> router = new ArrayList<>();
      List<FixedRateLoad.Result> nginx = new ArrayList<>();
      for (int round = 0; round < rounds; round++) {
        if (round % 2 == 1) {
          nginx.add(FixedRateLoad.run(nginxUri, rate, options.connections(), seconds, row, home));
        }
        router.add(FixedRateLoad.run(routed, rate, options.connections(), seconds, row, home));
        if (round % 2 == 0) {
          nginx.add(FixedRateLoad.run(nginxUri, rate, options.connections(), seconds, row, home));
        }
      }
      List<Double> p99 = new ArrayList<>();
      for (int i = 0; i < rounds; i++) {
        p99.add(router.get(i).p99Millis() / nginx.get(i).p99Millis());
      }
      report.put(key + ".requestsPerSecond", rate);
      putFixed(report, key + ".router", router);
      putFixed(report, key + ".nginx", nginx);
      report.put(key + ".routerOverNginxP99", median(p99))
          .put(key + ".routerOverNginxP99PerRound", rounded(p99));
    }
    report.note("fixedRateNN: router and nginx at the same request rate, NN% of nginx's closed-loop throughput; open "
        + "loop (wrk2's model), latency from each request's scheduled send time, in a JVM of its own");
  }

  private static void putFixed(BenchReport report, String key, List<FixedRateLoad.Result> rounds) {
    report.put(key + ".achievedPerSecond", median(rounds, FixedRateLoad.Result::requestsPerSecond))
        .put(key + ".p50Millis", median(rounds, FixedRateLoad.Result::p50Millis))
        .put(key + ".p99Millis", median(rounds, FixedRateLoad.Result::p99Millis))
        .put(key + ".p999Millis", median(rounds, FixedRateLoad.Result::p999Millis))
        .put(key + ".maxMillis", median(rounds, FixedRateLoad.Result::maxMillis))
        .put(key + ".errors", rounds.stream().mapToLong(FixedRateLoad.Result::errors).sum());
  }

  /** Per figure, the median over the rounds (requests and errors: summed). */
  private static LoadGenerator.Result medianRound(List<LoadGenerator.Result> rounds) {
    return new LoadGenerator.Result(rounds.get(0).tool(),
        median(rounds, LoadGenerator.Result::requestsPerSecond),
        median(rounds, LoadGenerator.Result::p50Millis),
        median(rounds, LoadGenerator.Result::p99Millis),
        rounds.stream().mapToLong(LoadGenerator.Result::requests).sum(),
        rounds.stream().mapToLong(LoadGenerator.Result::errors).sum());
  }

  /** The median over the rounds of one of their figures. */
  private static <T> double median(List<T> rounds, java.util.function.ToDoubleFunction<T> figure) {
    return median(rounds.stream().map(figure::applyAsDouble).toList());
  }

  static double median(List<Double> values) {
    double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    int m = v.length / 2;
    return v.length % 2 == 1 ? v[m] : (v[m - 1] + v[m]) / 2;
  }

  private static String rounded(List<Double> values) {
    return values.stream().map(x -> String.format(java.util.Locale.ROOT, "%.2f", x))
        .collect(java.util.stream.Collectors.joining(" "));
  }

  private static void put(BenchReport report, String name, LoadGenerator.Result r) {
    report.put(name + ".tool", r.tool())
        .put(name + ".requestsPerSecond", r.requestsPerSecond())
        .put(name + ".p50Millis", r.p50Millis())
        .put(name + ".p99Millis", r.p99Millis())
        .put(name + ".requests", r.requests())
        .put(name + ".errors", r.errors());
  }

  private void deploy(LocalStack stack, BenchData data) throws Exception {
    PipelineRequest request = new PipelineRequest(MODEL, "v1", BenchData.locations(data.good()), Map.of(),
        BenchRequests.REQUESTER, BenchRequests.zeroBakes()).validated();
    PipelineResult result = EmbeddedPipeline.runApproved(stack.client(), request, Duration.ofMinutes(5));
    if (result.outcome() != Outcome.PROMOTED) {
      throw new IllegalStateException(MODEL + " v1 did not go live: " + result.outcome() + " " + result.reason());
    }
  }

  /** True when the tool is on PATH, installing it with apt-get when missing, allowed and root. */
  private boolean available(String tool, BenchReport report) {
    if (onPath(tool)) {
      return true;
    }
    if (!options.install()) {
      report.note(tool + " not installed (--no-install)");
      return false;
    }
    if (!"root".equals(System.getProperty("user.name"))) {
      report.note(tool + " not installed and not root: cannot apt-get it");
      return false;
    }
    progress.println("bench router: installing " + tool + " with apt-get");
    try {
      Process p = new ProcessBuilder("apt-get", "install", "-y", "-q", "--no-install-recommends", tool)
          .redirectErrorStream(true).redirectOutput(options.home().resolve("apt-" + tool + ".log").toFile())
          .start();
      p.getOutputStream().close();
      if (!p.waitFor(5, TimeUnit.MINUTES)) {
        p.destroyForcibly();
        report.note("apt-get install " + tool + " did not finish within 5 min");
        return false;
      }
      if (p.exitValue() != 0 || !onPath(tool)) {
        report.note("apt-get install " + tool + " failed (exit " + p.exitValue() + ", see "
            + options.home().resolve("apt-" + tool + ".log") + ")");
        return false;
      }
      return true;
    } catch (IOException e) {
      report.note("cannot run apt-get for " + tool + ": " + e.getMessage());
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private static boolean onPath(String tool) {
    String path = System.getenv().getOrDefault("PATH", "/usr/sbin:/usr/bin:/sbin:/bin");
    for (String dir : (path + ":/usr/sbin:/sbin").split(":")) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, tool))) {
        return true;
      }
    }
    return false;
  }

  private static Process startNginx(Path dir, int port, URI blue, URI green) throws IOException,
      InterruptedException {
    Files.createDirectories(dir.resolve("logs"));
    Path conf = dir.resolve("nginx.conf");
    Files.writeString(conf, String.join("\n",
        "daemon off;",
        "worker_processes 1;",
        "pid " + dir.resolve("nginx.pid") + ";",
        "error_log " + dir.resolve("logs/error.log") + " warn;",
        "events { worker_connections 1024; }",
        "http {",
        "  access_log off;",
        // nginx's best keep-alive: by default it closes a client's (and an upstream's) connection after 1,000
        // requests, which costs it reconnects the router never pays
        "  keepalive_requests 100000000;",
        "  client_body_temp_path " + dir.resolve("body") + ";",
        "  proxy_temp_path " + dir.resolve("proxy") + ";",
        "  fastcgi_temp_path " + dir.resolve("fastcgi") + ";",
        "  uwsgi_temp_path " + dir.resolve("uwsgi") + ";",
        "  scgi_temp_path " + dir.resolve("scgi") + ";",
        "  upstream blue { server " + blue.getHost() + ":" + blue.getPort() + "; keepalive 64; "
            + "keepalive_requests 100000000; }",
        "  upstream green { server " + green.getHost() + ":" + green.getPort() + "; keepalive 64; "
            + "keepalive_requests 100000000; }",
        "  split_clients \"${request_id}\" $variant { 90% blue; * green; }",
        "  server {",
        "    listen 127.0.0.1:" + port + ";",
        "    location /invocations {",
        "      proxy_pass http://$variant;",
        "      proxy_http_version 1.1;",
        "      proxy_set_header Connection \"\";",
        "      add_header X-Variant $variant;",
        "    }",
        "  }",
        "}", ""));
    Process p = new ProcessBuilder("nginx", "-p", dir.toString(), "-c", conf.toString())
        .redirectErrorStream(true).redirectOutput(dir.resolve("logs/stdout.log").toFile()).start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (System.nanoTime() < deadline) {
      if (!p.isAlive()) {
        throw new IOException("nginx exited with " + p.exitValue() + "; see " + dir.resolve("logs"));
      }
      try (Socket s = new Socket("127.0.0.1", port)) {
        return p;
      } catch (IOException notYet) {
        Thread.sleep(100);
      }
    }
    p.destroyForcibly();
    throw new IOException("nginx did not listen on " + port + " within 20 s");
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
