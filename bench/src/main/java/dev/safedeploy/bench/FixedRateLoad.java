package dev.safedeploy.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;

/**
 * Open-loop HTTP load at a fixed request rate, as wrk2 makes it: each of {@code connections} keep-alive connections
 * has its own schedule (rate / connections, phases spread), sends each request at its scheduled time or, when the
 * previous answer is late, as soon as that answer is in; latency is measured from the scheduled time, so a server
 * that stalls is charged for every request it made wait (no coordinated omission). Two targets compared at the same
 * rate are compared at the same load, which a closed loop cannot do once one of them is faster.
 *
 * <p>Runs in a JVM of its own ({@link #main}), so that its threads and collections stay out of the measured
 * server's JVM; {@link #run} starts that JVM and reads its one-line result.
 */
final class FixedRateLoad {

  /** Achieved request rate and latency from the scheduled send time, in milliseconds. */
  record Result(double requestsPerSecond, double p50Millis, double p99Millis, double p999Millis,
      double maxMillis, long requests, long errors) {}

  private FixedRateLoad() {}

  /** Starts the load in a child JVM and waits for its result. */
  static Result run(URI target, double rate, int connections, int seconds, String body, Path scratch)
      throws IOException, InterruptedException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process p = new ProcessBuilder(java, "-Xms256m", "-Xmx256m", "-XX:+UseSerialGC", "-cp",
        System.getProperty("java.class.path"), FixedRateLoad.class.getName(), target.toString(),
        String.valueOf(rate), String.valueOf(connections), String.valueOf(seconds), body)
        .redirectError(scratch.resolve("fixed-rate.log").toFile()).start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    if (!p.waitFor(seconds + 60L, TimeUnit.SECONDS) || p.exitValue() != 0 || out.isEmpty()) {
      p.destroyForcibly();
      throw new IOException("fixed-rate load on " + target + " failed (exit " + (p.isAlive() ? "none" : p.exitValue())
          + "); see " + scratch.resolve("fixed-rate.log"));
    }
    String[] f = out.split(" ");
    return new Result(Double.parseDouble(f[0]), Double.parseDouble(f[1]), Double.parseDouble(f[2]),
        Double.parseDouble(f[3]), Double.parseDouble(f[4]), Long.parseLong(f[5]), Long.parseLong(f[6]));
  }

  /** args: url rate connections seconds body; prints "rps p50 p99 p99.9 max requests errors" (ms). */
  public static void main(String[] args) throws Exception {
    URI target = URI.create(args[0]);
    double rate = Double.parseDouble(args[1]);
    int connections = Integer.parseInt(args[2]);
    int seconds = Integer.parseInt(args[3]);
    byte[] request = ("POST " + target.getRawPath() + " HTTP/1.1\r\nHost: " + target.getHost() + ":"
        + target.getPort() + "\r\nContent-Type: text/csv\r\nContent-Length: "
        + args[4].getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + args[4]).getBytes(StandardCharsets.UTF_8);
    // a short warm-up at the same rate: the client's own JIT is not the server's latency
    measure(target, request, rate, connections, 2);
    Connection.Totals t = measure(target, request, rate, connections, seconds);
    Histogram h = t.histogram();
    System.out.println(String.format(Locale.ROOT, "%.1f %.3f %.3f %.3f %.3f %d %d", t.requests() / (double) seconds,
        h.getValueAtPercentile(50) / 1000.0, h.getValueAtPercentile(99) / 1000.0,
        h.getValueAtPercentile(99.9) / 1000.0, h.getMaxValue() / 1000.0, t.requests(), t.errors()));
  }

  private static Connection.Totals measure(URI target, byte[] request, double rate, int connections, int seconds)
      throws Exception {
    long intervalNanos = (long) (connections * 1e9 / rate);
    long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(50);
    long end = start + TimeUnit.SECONDS.toNanos(seconds);
    List<Connection> all = new ArrayList<>();
    for (int i = 0; i < connections; i++) {
      Connection c = new Connection(target, request, start + intervalNanos * i / connections, intervalNanos, end);
      all.add(c);
      c.start();
    }
    Histogram merged = new Histogram(TimeUnit.SECONDS.toMicros(60), 3);
    long requests = 0;
    long errors = 0;
    for (Connection c : all) {
      c.join();
      merged.add(c.latencyMicros);
      requests += c.requests;
      errors += c.errors;
    }
    return new Connection.Totals(merged, requests, errors);
  }

  /** One keep-alive connection on its own schedule. */
  private static final class Connection extends Thread {
    record Totals(Histogram histogram, long requests, long errors) {}

    private final URI target;
    private final byte[] request;
    private final long firstNanos;
    private final long intervalNanos;
    private final long endNanos;
    final Histogram latencyMicros = new Histogram(TimeUnit.SECONDS.toMicros(60), 3);
    long requests;
    long errors;

    Connection(URI target, byte[] request, long firstNanos, long intervalNanos, long endNanos) {
      super("fixed-rate-load");
      setDaemon(true);
      this.target = target;
      this.request = request;
      this.firstNanos = firstNanos;
      this.intervalNanos = intervalNanos;
      this.endNanos = endNanos;
    }

    @Override
    public void run() {
      Socket socket = null;
      byte[] buffer = new byte[64 * 1024];
      for (long k = 0; ; k++) {
        long scheduled = firstNanos + k * intervalNanos;
        if (scheduled >= endNanos) {
          break;
        }
        long wait;
        while ((wait = scheduled - System.nanoTime()) > 0) {
          LockSupport.parkNanos(wait);
        }
        try {
          if (socket == null) {
            socket = new Socket();
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress(target.getHost(), target.getPort()), 2_000);
            socket.setSoTimeout(10_000);
          }
          OutputStream out = socket.getOutputStream();
          out.write(request);
          out.flush();
          int status = readResponse(socket.getInputStream(), buffer);
          if (status < 0) {
            // the server said Connection: close; the next request opens a new connection, as wrk does
            socket.close();
            socket = null;
            status = -status;
          }
          if (status != 200) {
            errors++;
          }
        } catch (IOException e) {
          errors++;
          closeQuietly(socket);
          socket = null;
        }
        requests++;
        latencyMicros.recordValue(Math.max(0, (System.nanoTime() - scheduled) / 1_000));
      }
      closeQuietly(socket);
    }

    /**
     * Reads one HTTP/1.1 response (a Content-Length body, or none); returns its status, negated when the server closes
     * the connection after it.
     */
    private static int readResponse(InputStream in, byte[] buffer) throws IOException {
      int n = 0;
      int headerEnd;
      while ((headerEnd = indexOf(buffer, n)) < 0) {
        int r = in.read(buffer, n, buffer.length - n);
        if (r < 0) {
          throw new IOException("connection closed mid-response");
        }
        n += r;
      }
      String head = new String(buffer, 0, headerEnd, StandardCharsets.ISO_8859_1);
      int status = Integer.parseInt(head.substring(9, 12));
      String lower = head.toLowerCase(Locale.ROOT);
      int bodyStart = headerEnd + 4;
      int have = n - bodyStart;
      int cl = lower.indexOf("\r\ncontent-length:");
      if (cl >= 0) {
        int lineEnd = lower.indexOf("\r\n", cl + 2);
        long length = Long.parseLong(lower.substring(cl + 17, lineEnd < 0 ? lower.length() : lineEnd).trim());
        skip(in, length - have, buffer);
      } else if (lower.contains("\r\ntransfer-encoding: chunked")) {
        // the router and nginx both send Content-Length; a chunked answer is not framed here, so it fails loudly
        throw new IOException("a chunked response: not read by this load generator");
      }
      return lower.contains("\r\nconnection: close") ? -status : status;
    }

    private static void skip(InputStream in, long bytes, byte[] buffer) throws IOException {
      while (bytes > 0) {
        int r = in.read(buffer, 0, (int) Math.min(buffer.length, bytes));
        if (r < 0) {
          throw new IOException("connection closed mid-body");
        }
        bytes -= r;
      }
    }

    private static int indexOf(byte[] b, int n) {
      for (int i = 0; i + 3 < n; i++) {
        if (b[i] == '\r' && b[i + 1] == '\n' && b[i + 2] == '\r' && b[i + 3] == '\n') {
          return i;
        }
      }
      return -1;
    }

    private static void closeQuietly(Socket s) {
      if (s != null) {
        try {
          s.close();
        } catch (IOException ignored) {
          // closing a broken connection
        }
      }
    }
  }
}
