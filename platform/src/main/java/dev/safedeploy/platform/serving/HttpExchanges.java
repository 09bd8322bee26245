package dev.safedeploy.platform.serving;

import com.sun.net.httpserver.HttpExchange;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/** Small helpers over the JDK HTTP server's exchanges, shared by the model servers, router and control API. */
public final class HttpExchanges {
  private static final long DISCARD_CAP = 64L << 20;

  private HttpExchanges() {}

  /**
   * Turns on TCP_NODELAY for the JDK HTTP server. Without it, small request/response exchanges on a kept-alive
   * connection wait for the peer's delayed ACK (Nagle), about 40 ms each. The server reads the property once, when
   * its first instance is created in the JVM, so every server here calls this before creating one.
   */
  public static void noDelay() {
    if (System.getProperty("sun.net.httpserver.nodelay") == null) {
      System.setProperty("sun.net.httpserver.nodelay", "true");
    }
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
