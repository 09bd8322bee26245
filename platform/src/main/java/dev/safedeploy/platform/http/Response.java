package dev.safedeploy.platform.http;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * One whole answer.
 *
 * @param contentType null: none (and no body)
 * @param headers more response headers, e.g. the router's variant headers
 */
public record Response(int status, String contentType, byte[] body, Map<String, String> headers) {
  public static final String TEXT = "text/plain; charset=utf-8";

  public Response {
    body = body == null ? new byte[0] : body;
    headers = headers == null ? Map.of() : headers;
  }

  public static Response of(int status, String contentType, byte[] body) {
    return new Response(status, contentType, body, Map.of());
  }

  public static Response text(int status, String text) {
    return new Response(status, TEXT, text.getBytes(StandardCharsets.UTF_8), Map.of());
  }

  public static Response empty(int status) {
    return new Response(status, null, null, Map.of());
  }

  public Response withHeaders(Map<String, String> more) {
    if (headers.isEmpty()) {
      return new Response(status, contentType, body, more);
    }
    java.util.Map<String, String> all = new java.util.LinkedHashMap<>(headers);
    all.putAll(more);
    return new Response(status, contentType, body, all);
  }
}
