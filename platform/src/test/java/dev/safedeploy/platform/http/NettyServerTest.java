package dev.safedeploy.platform.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.safedeploy.platform.testing.RawHttp;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The server's framing and limits, on a handler that echoes what it got. */
class NettyServerTest {
  static ExecutorService pool;
  static NettyServer server;

  @BeforeAll
  static void start() throws IOException {
    pool = Executors.newFixedThreadPool(2);
    // bodies up to 4 bytes run on the I/O thread, longer ones on the pool: both paths are exercised
    server = NettyServer.start("127.0.0.1", 0, new NettyServer.Options("echo", 1024, 4, pool), r -> {
      if (r.path().equals("/boom")) {
        throw new IllegalStateException("kaboom");
      }
      if (r.path().equals("/slow")) {
        Thread.sleep(200);
      }
      return Response.text(200, r.method() + " " + r.path() + " " + new String(r.body(), StandardCharsets.UTF_8))
          .withHeaders(Map.of("X-Thread", Thread.currentThread().getName()));
    });
  }

  @AfterAll
  static void stop() {
    server.close();
    pool.shutdownNow();
  }

  @Test
  void smallBodiesRunOnTheIoThreadAndLargerOnesOnThePool() throws IOException {
    RawHttp.Answer small = RawHttp.request(server.uri(), "POST", "/a", Map.of(), "abc".getBytes());
    assertThat(small.status()).isEqualTo(200);
    assertThat(small.body()).isEqualTo("POST /a abc");
    assertThat(small.headers().get("x-thread")).startsWith("http-io");
    RawHttp.Answer large = RawHttp.request(server.uri(), "POST", "/a", Map.of(), "abcdefgh".getBytes());
    assertThat(large.body()).isEqualTo("POST /a abcdefgh");
    assertThat(large.headers().get("x-thread")).doesNotStartWith("http-io");
  }

  @Test
  void keptAliveAndPipelinedRequestsAreAnsweredInOrder() throws IOException {
    // the first is slow and runs on the pool; the second, quick, must still come second
    String two = "POST /slow HTTP/1.1\r\nHost: x\r\nContent-Length: 6\r\n\r\nfirst!"
        + "GET /b HTTP/1.1\r\nHost: x\r\n\r\n"
        + "POST /c HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
        + "3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n";
    String all = exchange(two.getBytes(StandardCharsets.ISO_8859_1));
    int first = all.indexOf("POST /slow first!");
    int second = all.indexOf("GET /b ");
    int third = all.indexOf("POST /c abcde");
    assertThat(first).isPositive();
    assertThat(second).isGreaterThan(first);
    assertThat(third).isGreaterThan(second);
  }

  @Test
  void aHandlerThatThrowsAnswers500WithTheReason() throws IOException {
    RawHttp.Answer a = RawHttp.request(server.uri(), "GET", "/boom", Map.of(), null);
    assertThat(a.status()).isEqualTo(500);
    assertThat(a.body()).contains("kaboom");
  }

  @Test
  void bodiesOverTheLimitAre400WhetherDeclaredOrChunked() throws IOException {
    RawHttp.Answer declared = RawHttp.request(server.uri(), "POST", "/a", Map.of(), new byte[2000]);
    assertThat(declared.status()).isEqualTo(400);
    assertThat(declared.body()).contains("exceeds the limit of 1024 bytes");
    StringBuilder chunked = new StringBuilder("POST /a HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
        + "Connection: close\r\n\r\n");
    for (int i = 0; i < 5; i++) {
      chunked.append("190\r\n").append("x".repeat(400)).append("\r\n");
    }
    chunked.append("0\r\n\r\n");
    String answer = exchange(chunked.toString().getBytes(StandardCharsets.ISO_8859_1));
    assertThat(answer).startsWith("HTTP/1.1 400").contains("exceeds the limit of 1024 bytes");
  }

  @Test
  void expectContinueGetsA100ThenTheAnswer() throws IOException {
    String answer = exchange(("POST /a HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 2\r\n"
        + "Connection: close\r\n\r\nok").getBytes(StandardCharsets.ISO_8859_1));
    assertThat(answer).startsWith("HTTP/1.1 100 Continue").contains("HTTP/1.1 200 OK").endsWith("POST /a ok");
  }

  @Test
  void connectionsPastTheLimitAreClosedAndTheOthersStillServed() throws Exception {
    List<Socket> held = new ArrayList<>();
    try {
      for (int i = 0; i < HttpLimits.MAX_CONNECTIONS; i++) {
        Socket s = new Socket();
        s.connect(new InetSocketAddress("127.0.0.1", server.address().getPort()), 5_000);
        held.add(s);
      }
      long deadline = System.nanoTime() + 10_000_000_000L;
      while (server.openConnections() < HttpLimits.MAX_CONNECTIONS && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      assertThat(server.openConnections()).isEqualTo(HttpLimits.MAX_CONNECTIONS);
      try (Socket extra = new Socket()) {
        extra.connect(new InetSocketAddress("127.0.0.1", server.address().getPort()), 5_000);
        extra.setSoTimeout(5_000);
        assertThat(extra.getInputStream().read()).isEqualTo(-1); // closed at once
      }
      // a held connection is a working one
      Socket first = held.get(0);
      first.getOutputStream().write("GET /held HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
          .getBytes(StandardCharsets.ISO_8859_1));
      first.setSoTimeout(5_000);
      assertThat(RawHttp.read(first.getInputStream()).body()).isEqualTo("GET /held ");
    } finally {
      for (Socket s : held) {
        s.close();
      }
    }
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (server.openConnections() > 0 && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(RawHttp.request(server.uri(), "GET", "/after", Map.of(), null).status()).isEqualTo(200);
  }

  /** Writes the bytes on one connection and reads until the server closes it. */
  private static String exchange(byte[] raw) throws IOException {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", server.address().getPort()), 5_000);
      s.setSoTimeout(10_000);
      s.getOutputStream().write(raw);
      s.getOutputStream().flush();
      InputStream in = s.getInputStream();
      ByteArrayOutputStream all = new ByteArrayOutputStream();
      byte[] buf = new byte[4096];
      int n;
      while ((n = in.read(buf)) >= 0) {
        all.write(buf, 0, n);
      }
      return all.toString(StandardCharsets.ISO_8859_1);
    }
  }
}
