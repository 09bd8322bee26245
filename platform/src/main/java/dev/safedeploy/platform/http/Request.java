package dev.safedeploy.platform.http;

import io.netty.handler.codec.http.HttpHeaders;
import java.net.URI;

/**
 * One whole request: its body is read (bounded) before a handler sees it.
 *
 * @param uri the request target as sent (path and query, raw and decoded through {@link URI})
 * @param headers case-insensitive
 */
public record Request(String method, URI uri, HttpHeaders headers, byte[] body) {

  public String header(String name) {
    return headers.get(name);
  }

  public String path() {
    return uri.getPath();
  }
}
