package dev.safedeploy.starter.gateway;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** A local HTTP server standing in for Slack's Web API: records every call, answers like Slack. */
final class FakeSlackApi implements AutoCloseable {

  record Call(String method, Map<String, String> params, String authorization) {}

  private final HttpServer server;
  private final BlockingQueue<Call> calls = new LinkedBlockingQueue<>();
  private final AtomicInteger ts = new AtomicInteger(1000);
  volatile String failWith;

  FakeSlackApi() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/api/", ex -> {
      String method = ex.getRequestURI().getPath().substring("/api/".length());
      String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      Map<String, String> params = new LinkedHashMap<>();
      for (String pair : body.split("&")) {
        int eq = pair.indexOf('=');
        if (eq > 0) {
          params.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
              URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
      }
      calls.add(new Call(method, params, ex.getRequestHeaders().getFirst("Authorization")));
      String channel = params.getOrDefault("channel", "C0");
      String answer = failWith != null ? "{\"ok\":false,\"error\":\"" + failWith + "\"}"
          : "{\"ok\":true,\"channel\":\"" + channel + "\",\"ts\":\"" + params.getOrDefault("ts",
              ts.incrementAndGet() + ".000100") + "\"}";
      byte[] bytes = answer.getBytes(StandardCharsets.UTF_8);
      ex.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
      ex.sendResponseHeaders(200, bytes.length);
      try (OutputStream out = ex.getResponseBody()) {
        out.write(bytes);
      }
    });
    server.createContext("/response/", ex -> {
      String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      calls.add(new Call("response_url", Map.of("body", body), null));
      ex.sendResponseHeaders(200, -1);
      ex.close();
    });
    server.start();
  }

  String responseUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/response/T0/1234/abcd";
  }

  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/api/";
  }

  /** The next call to {@code method}, skipping others; fails after 15 s. */
  Call next(String method) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    while (System.nanoTime() < deadline) {
      Call c = calls.poll(200, TimeUnit.MILLISECONDS);
      if (c != null && c.method().equals(method)) {
        return c;
      }
    }
    throw new AssertionError("Slack API never got " + method);
  }

  void clear() {
    calls.clear();
  }

  /** The calls recorded so far (and not yet taken by {@link #next}). */
  java.util.List<Call> calls() {
    return java.util.List.copyOf(calls);
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
