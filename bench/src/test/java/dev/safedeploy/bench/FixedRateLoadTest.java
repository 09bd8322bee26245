package dev.safedeploy.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The open-loop load keeps its rate, counts failures, and follows a server that closes its connections. */
class FixedRateLoadTest {
  @TempDir Path dir;

  @Test
  void sendsAtTheRateAskedCountingOnlyFailedAnswersAsErrors() throws Exception {
    AtomicInteger seen = new AtomicInteger();
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
    server.createContext("/ok", ex -> {
      seen.incrementAndGet();
      ex.getRequestBody().readAllBytes();
      byte[] body = "12.5\n".getBytes(StandardCharsets.UTF_8);
      ex.sendResponseHeaders(200, body.length);
      ex.getResponseBody().write(body);
      ex.close();
    });
    server.createContext("/closing", ex -> {
      ex.getRequestBody().readAllBytes();
      ex.getResponseHeaders().set("Connection", "close");
      ex.sendResponseHeaders(200, 2);
      ex.getResponseBody().write("1\n".getBytes(StandardCharsets.UTF_8));
      ex.close();
    });
    server.createContext("/failing", ex -> {
      ex.getRequestBody().readAllBytes();
      ex.sendResponseHeaders(500, 4);
      ex.getResponseBody().write("bad\n".getBytes(StandardCharsets.UTF_8));
      ex.close();
    });
    server.createContext("/chunked", ex -> {
      ex.getRequestBody().readAllBytes();
      ex.sendResponseHeaders(200, 0); // no length: the JDK server sends it chunked
      ex.getResponseBody().write("1\n".getBytes(StandardCharsets.UTF_8));
      ex.close();
    });
    server.setExecutor(Executors.newFixedThreadPool(4));
    server.start();
    try {
      URI base = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
      FixedRateLoad.Result ok = FixedRateLoad.run(base.resolve("/ok"), 200, 2, 2, "1,2,3", dir);
      // 2 s measured after a 2 s warm-up, both at 200/s
      assertThat(ok.requests()).isBetween(390L, 410L);
      assertThat(ok.requestsPerSecond()).isBetween(195.0, 205.0);
      assertThat(ok.errors()).isZero();
      assertThat(seen.get()).isBetween(780, 820);
      assertThat(ok.p50Millis()).isPositive().isLessThanOrEqualTo(ok.p99Millis());
      assertThat(ok.p99Millis()).isLessThanOrEqualTo(ok.maxMillis());

      FixedRateLoad.Result closing = FixedRateLoad.run(base.resolve("/closing"), 100, 2, 1, "1,2,3", dir);
      assertThat(closing.requests()).isBetween(95L, 105L);
      assertThat(closing.errors()).isZero();

      FixedRateLoad.Result failing = FixedRateLoad.run(base.resolve("/failing"), 100, 2, 1, "1,2,3", dir);
      assertThat(failing.errors()).isEqualTo(failing.requests()).isPositive();

      // an answer this generator does not frame is an error, never a success read wrongly
      FixedRateLoad.Result chunked = FixedRateLoad.run(base.resolve("/chunked"), 50, 1, 1, "1,2,3", dir);
      assertThat(chunked.errors()).isEqualTo(chunked.requests()).isPositive();
    } finally {
      server.stop(0);
    }
  }
}
