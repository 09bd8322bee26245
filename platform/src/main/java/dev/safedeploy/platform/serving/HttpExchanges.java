package dev.safedeploy.platform.serving;

import com.sun.net.httpserver.HttpExchange;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/** Small helpers over the JDK HTTP server's exchanges, shared by the model servers, router and control API. */
public final class HttpExchanges {
  private static final long DISCARD_CAP = 64L << 20;

  private HttpExchanges() {}

  /** Connections one JDK HTTP server accepts at once; more are closed on accept (jdk.httpserver.maxConnections). */
  public static final int MAX_CONNECTIONS = 512;
  /** Seconds a client may take to send its request line and headers before the server closes the connection. */
  public static final int MAX_HEADER_SECONDS = 10;
  /**
   * Seconds from the end of a request's headers to the end of its answer: sending the body, handling, reading the
   * answer. The JDK's response timer, which makes it the body read timeout too.
   */
  public static final int MAX_RESPONSE_SECONDS = 30;
  /** Headers a request may have, and their total size in bytes; more is answered 431. */
  public static final int MAX_HEADERS = 100;
  public static final int MAX_HEADER_BYTES = 32 * 1024;

  /** Why the request's headers are too large (answer 431), or null when they are not. */
  public static String headersTooLarge(HttpExchange ex) {
    int count = 0;
    long bytes = 0;
    for (java.util.Map.Entry<String, java.util.List<String>> h : ex.getRequestHeaders().entrySet()) {
      for (String v : h.getValue()) {
        count++;
        bytes += h.getKey().length() + (v == null ? 0 : v.length()) + 4;
      }
    }
    if (count > MAX_HEADERS) {
      return count + " request headers, more than the limit of " + MAX_HEADERS;
    }
    if (bytes > MAX_HEADER_BYTES) {
      return "request headers of " + bytes + " bytes, more than the limit of " + MAX_HEADER_BYTES;
    }
    return null;
  }

  /**
   * Configures the JDK HTTP server, which reads these properties once, when its first instance in the JVM is
   * created, so every server here calls this before creating one (a property already set, say with -D, wins):
   * <ul>
   *   <li>TCP_NODELAY: without it, small exchanges on a kept-alive connection wait for the peer's delayed ACK
   *       (Nagle), about 40 ms each;
   *   <li>a header deadline ({@value #MAX_HEADER_SECONDS} s, {@code sun.net.httpserver.maxReqTime}): a client
   *       trickling its headers is cut off instead of holding a request thread;
   *   <li>a body-and-answer deadline ({@value #MAX_RESPONSE_SECONDS} s from the end of the headers,
   *       {@code maxRspTime}): a client that trickles its body, or never reads the answer, is cut off;
   *   <li>at most {@value #MAX_HEADERS} headers of at most {@value #MAX_HEADER_BYTES} bytes together, answered 431
   *       beyond ({@link #headersTooLarge}); the JDK closes connections past 4x that count or 256 KiB;
   *   <li>a connection cap ({@value #MAX_CONNECTIONS}); with request pools that can grow to the cap
   *       ({@link #serverExecutor}), a slow client holds at most its own thread, never everyone else's.
   * </ul>
   * Every control call and invocation here answers in well under that deadline (training runs as a job).
   */
  public static void noDelay() {
    setDefault("sun.net.httpserver.nodelay", "true");
    setDefault("sun.net.httpserver.maxReqTime", Integer.toString(MAX_HEADER_SECONDS));
    setDefault("sun.net.httpserver.maxRspTime", Integer.toString(MAX_RESPONSE_SECONDS));
    // the JDK's own limits sit above ours, so a request between the two gets a 431 (see headersTooLarge); past
    // the JDK's, it closes the connection without an answer
    setDefault("sun.net.httpserver.maxReqHeaders", Integer.toString(4 * MAX_HEADERS));
    setDefault("sun.net.httpserver.maxReqHeaderSize", Integer.toString(256 * 1024));
    setDefault("jdk.httpserver.maxConnections", Integer.toString(MAX_CONNECTIONS));
  }

  private static void setDefault(String property, String value) {
    if (System.getProperty(property) == null) {
      System.setProperty(property, value);
    }
  }

  /**
   * A request pool for one JDK HTTP server: core threads kept, more started on demand up to the connection cap
   * (the server runs one exchange per connection at a time, so it never needs more), idle ones ending after 30 s.
   */
  public static ExecutorService serverExecutor(String name, int core) {
    int max = Math.max(core, MAX_CONNECTIONS + 8);
    ThreadPoolExecutor pool = new ThreadPoolExecutor(core, max, 30, TimeUnit.SECONDS, new SynchronousQueue<>(),
        r -> {
          Thread t = new Thread(r, name);
          t.setDaemon(true);
          return t;
        }, new ThreadPoolExecutor.CallerRunsPolicy());
    return pool;
  }

  /** Answers an error if nothing was sent yet, else closes the exchange: a failure never just drops a client. */
  public static void fail(HttpExchange ex, int status, String text) {
    try {
      if (ex.getResponseCode() == -1) {
        sendText(ex, status, text);
        return;
      }
    } catch (IOException | RuntimeException ignored) {
      // the client went away: nothing to answer
    }
    ex.close();
  }

  /** Thrown when a body exceeds the limit; the caller answers 400. */
  public static final class TooLargeException extends IOException {
    public TooLargeException(String message) {
      super(message);
    }
  }

  /**
   * Reads the body, refusing more than max bytes. An oversized body is still read to its end (up to a hard cap) and
   * discarded, so the client gets the 400 instead of a reset connection.
   */
  public static byte[] readBody(HttpExchange ex, int max) throws IOException {
    String declared = ex.getRequestHeaders().getFirst("Content-Length");
    long length = -1;
    if (declared != null) {
      try {
        length = Long.parseLong(declared.trim());
      } catch (NumberFormatException e) {
        throw new TooLargeException("bad Content-Length '" + declared + "'");
      }
    }
    try (InputStream in = ex.getRequestBody()) {
      ByteArrayOutputStream out = new ByteArrayOutputStream(length >= 0 && length <= max ? (int) length : 8192);
      byte[] buf = new byte[16384];
      long total = 0;
      int n;
      while ((n = in.read(buf)) >= 0) {
        total += n;
        if (total <= max) {
          out.write(buf, 0, n);
        } else if (total > DISCARD_CAP) {
          break;
        }
      }
      if (total > max) {
        throw new TooLargeException("payload of " + (length >= 0 ? length : total) + " bytes exceeds the limit of "
            + max + " bytes");
      }
      return out.toByteArray();
    }
  }

  public static void send(HttpExchange ex, int status, String contentType, byte[] body) throws IOException {
    if (contentType != null) {
      ex.getResponseHeaders().set("Content-Type", contentType);
    }
    if (body == null || body.length == 0) {
      ex.sendResponseHeaders(status, -1);
    } else {
      ex.sendResponseHeaders(status, body.length);
      try (OutputStream os = ex.getResponseBody()) {
        os.write(body);
      }
    }
    ex.close();
  }

  public static void sendText(HttpExchange ex, int status, String text) throws IOException {
    send(ex, status, "text/plain; charset=utf-8", text.getBytes(StandardCharsets.UTF_8));
  }
}
