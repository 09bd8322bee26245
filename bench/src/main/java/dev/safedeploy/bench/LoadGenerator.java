package dev.safedeploy.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Closed-loop HTTP load: {@code connections} clients POSTing one CSV row back to back for a fixed time. Uses wrk when
 * it is installed (one tool for every target), else a Java loop; both report requests/s and latency percentiles.
 */
final class LoadGenerator {

  record Result(String tool, double requestsPerSecond, double p50Millis, double p99Millis, long requests,
      long errors) {}

  private final int connections;
  private final Duration duration;
  private final String body;
  private final Path scratch;

  LoadGenerator(int connections, Duration duration, String body, Path scratch) {
    this.connections = connections;
    this.duration = duration;
    this.body = body;
    this.scratch = scratch;
  }

  Result run(URI target, boolean useWrk) throws IOException, InterruptedException {
    return useWrk ? wrk(target) : java(target);
  }

  private Result wrk(URI target) throws IOException, InterruptedException {
    Path script = scratch.resolve("post.lua");
    Files.writeString(script, "wrk.method = \"POST\"\nwrk.body = \"" + body + "\"\n"
        + "wrk.headers[\"Content-Type\"] = \"text/csv\"\n");
    Process p = new ProcessBuilder("wrk", "-t2", "-c" + connections, "-d" + duration.toSeconds() + "s",
        "--latency", "-s", script.toString(), target.toString()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    if (!p.waitFor(duration.toSeconds() + 60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      p.destroyForcibly();
      throw new IOException("wrk failed on " + target + ": " + out);
    }
    double rps = number(out, "Requests/sec:\\s+([0-9.]+)");
    long requests = (long) number(out, "([0-9]+) requests in");
    Matcher non2xx = Pattern.compile("Non-2xx or 3xx responses:\\s+([0-9]+)").matcher(out);
    long errors = non2xx.find() ? Long.parseLong(non2xx.group(1)) : 0;
    Matcher socket = Pattern.compile("Socket errors: connect ([0-9]+), read ([0-9]+), write ([0-9]+), timeout "
        + "([0-9]+)").matcher(out);
    if (socket.find()) {
      for (int i = 1; i <= 4; i++) {
        errors += Long.parseLong(socket.group(i));
      }
    }
    return new Result("wrk", rps, latency(out, "50%"), latency(out, "99%"), requests, errors);
  }

  private static double number(String out, String regex) throws IOException {
    Matcher m = Pattern.compile(regex).matcher(out);
    if (!m.find()) {
      throw new IOException("cannot read /" + regex + "/ from wrk's output: " + out);
    }
    return Double.parseDouble(m.group(1));
  }

  /** wrk --latency prints e.g. "     99%    5.21ms" (units us, ms, s). */
  private static double latency(String out, String percentile) throws IOException {
    Matcher m = Pattern.compile("\\s" + Pattern.quote(percentile) + "\\s+([0-9.]+)(us|ms|s)").matcher(out);
    if (!m.find()) {
      throw new IOException("no " + percentile + " latency in wrk's output: " + out);
    }
    double v = Double.parseDouble(m.group(1));
    return switch (m.group(2)) {
      case "us" -> v / 1000.0;
      case "s" -> v * 1000.0;
      default -> v;
    };
  }

  private Result java(URI target) throws InterruptedException {
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(2)).build();
    HttpRequest request = HttpRequest.newBuilder(target).timeout(Duration.ofSeconds(10))
        .header("Content-Type", "text/csv").POST(HttpRequest.BodyPublishers.ofString(body)).build();
    long end = System.nanoTime() + duration.toNanos();
    List<List<Double>> perThread = new ArrayList<>();
    long[] errors = new long[connections];
    List<Thread> threads = new ArrayList<>();
    for (int i = 0; i < connections; i++) {
      List<Double> mine = new ArrayList<>();
      perThread.add(mine);
      int index = i;
      Thread t = new Thread(() -> {
        while (System.nanoTime() < end) {
          long start = System.nanoTime();
          try {
            HttpResponse<Void> r = http.send(request, HttpResponse.BodyHandlers.discarding());
            if (r.statusCode() != 200) {
              errors[index]++;
            }
          } catch (IOException e) {
            errors[index]++;
          } catch (InterruptedException e) {
            return;
          }
          mine.add((System.nanoTime() - start) / 1e6);
        }
      }, "bench-load-" + i);
      threads.add(t);
    }
    long started = System.nanoTime();
    threads.forEach(Thread::start);
    for (Thread t : threads) {
      t.join(duration.toMillis() + 30_000);
    }
    double seconds = (System.nanoTime() - started) / 1e9;
    List<Double> all = new ArrayList<>();
    perThread.forEach(all::addAll);
    long errorCount = 0;
    for (long e : errors) {
      errorCount += e;
    }
    Stats s = Stats.of(all);
    return new Result("java", all.size() / seconds, s.p50(), s.p99(), all.size(), errorCount);
  }
}
