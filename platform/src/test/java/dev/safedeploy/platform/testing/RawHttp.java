package dev.safedeploy.platform.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.1 written by hand on a socket, for requests java.net.http refuses to send (any Host header, no
 * Content-Type, malformed framing) and for reading exactly what the server answers, connection close included.
 */
public final class RawHttp {
  private RawHttp() {}

  /** The status (-1 when the server closed without answering), headers (lower-case names) and body. */
  public record Answer(int status, Map<String, String> headers, String body) {}

  public static Answer request(URI server, String method, String path, Map<String, String> headers, byte[] body)
      throws IOException {
    StringBuilder sb = new StringBuilder();
    sb.append(method).append(' ').append(path).append(" HTTP/1.1\r\n");
    if (!headers.containsKey("Host")) {
      sb.append("Host: 127.0.0.1:").append(server.getPort()).append("\r\n");
    }
    headers.forEach((k, v) -> {
      if (v != null) {
        sb.append(k).append(": ").append(v).append("\r\n");
      }
    });
    if (body != null && !headers.containsKey("Content-Length") && !headers.containsKey("Transfer-Encoding")) {
      sb.append("Content-Length: ").append(body.length).append("\r\n");
    }
    sb.append("Connection: close\r\n\r\n");
    ByteArrayOutputStream req = new ByteArrayOutputStream();
    req.write(sb.toString().getBytes(StandardCharsets.ISO_8859_1));
    if (body != null) {
      req.write(body);
    }
    return exchange(server, req.toByteArray(), 15_000);
  }

  /** Writes the bytes as they are and reads the answer until the server closes (or the timeout). */
  public static Answer exchange(URI server, byte[] raw, int timeoutMillis) throws IOException {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(server.getHost(), server.getPort()), 5_000);
      s.setSoTimeout(timeoutMillis);
      OutputStream out = s.getOutputStream();
      try {
        out.write(raw);
        out.flush();
      } catch (IOException e) {
        // the server may answer and close before it read everything (an oversized request): read what it said
      }
      return read(s.getInputStream());
    }
  }

  public static Answer read(InputStream in) throws IOException {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    byte[] buf = new byte[8192];
    int n;
    try {
      while ((n = in.read(buf)) >= 0) {
        all.write(buf, 0, n);
      }
    } catch (java.net.SocketException e) {
      // reset after the answer: keep what came
    }
    String text = all.toString(StandardCharsets.ISO_8859_1);
    if (!text.startsWith("HTTP/1.")) {
      return new Answer(-1, Map.of(), text);
    }
    int headEnd = text.indexOf("\r\n\r\n");
    String head = headEnd < 0 ? text : text.substring(0, headEnd);
    String[] lines = head.split("\r\n");
    int status = Integer.parseInt(lines[0].split(" ")[1]);
    Map<String, String> headers = new LinkedHashMap<>();
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      if (colon > 0) {
        headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
      }
    }
    String body = headEnd < 0 ? "" : new String(text.substring(headEnd + 4).getBytes(StandardCharsets.ISO_8859_1),
        StandardCharsets.UTF_8);
    return new Answer(status, headers, body);
  }
}
