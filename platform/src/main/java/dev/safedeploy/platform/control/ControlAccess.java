package dev.safedeploy.platform.control;

import io.netty.handler.codec.http.HttpHeaders;
import dev.safedeploy.platform.client.ControlToken;
import dev.safedeploy.platform.serving.Payloads;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who may use the control API: requests must name a loopback host (or one the operator allowed), carry the control
 * token, and send JSON. The Host check stops DNS rebinding (a page on evil.example whose name now resolves to
 * 127.0.0.1 still says {@code Host: evil.example}); the token stops everything else that can reach the port; JSON
 * only stops the "simple" cross-site requests a browser sends without a preflight (text/plain, form posts).
 */
public final class ControlAccess {
  private static final Logger log = LoggerFactory.getLogger(ControlAccess.class);
  static final String UNAUTHORIZED = "Unauthorized";
  static final String FORBIDDEN = "Forbidden";
  static final String UNSUPPORTED_MEDIA_TYPE = "UnsupportedMediaType";
  private static final Set<String> LOOPBACK = Set.of("localhost", "127.0.0.1", "[::1]");
  private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

  private final byte[] tokenDigest;
  private final Set<String> allowedHosts;

  ControlAccess(String token, List<String> extraHosts) {
    this.tokenDigest = sha256(token);
    this.allowedHosts = extraHosts.stream().map(h -> h.toLowerCase(Locale.ROOT)).collect(
        java.util.stream.Collectors.toUnmodifiableSet());
  }

  /**
   * The token in the home, made on the first start: 32 bytes of {@link SecureRandom}, base64url, in a file only the
   * owner can read (written aside and moved in, so no client ever reads half a token). A token file others can read
   * is narrowed to 0600; an empty one is replaced.
   */
  static String loadOrCreate(Path home) {
    Path f = ControlToken.file(home);
    try {
      if (Files.exists(f)) {
        String token = Files.readString(f, StandardCharsets.US_ASCII).trim();
        if (!token.isEmpty()) {
          if (posix() && !Files.getPosixFilePermissions(f).equals(OWNER_ONLY)) {
            log.warn("control token {} was readable by others ({}); narrowed to rw-------", f,
                PosixFilePermissions.toString(Files.getPosixFilePermissions(f)));
            Files.setPosixFilePermissions(f, OWNER_ONLY);
          }
          return token;
        }
        log.warn("control token {} is empty; writing a new one", f);
      }
      byte[] raw = new byte[32];
      new SecureRandom().nextBytes(raw);
      String token = Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
      Path tmp = posix()
          ? Files.createTempFile(home, ".control-token", ".tmp", PosixFilePermissions.asFileAttribute(OWNER_ONLY))
          : Files.createTempFile(home, ".control-token", ".tmp");
      Files.writeString(tmp, token + "\n", StandardCharsets.US_ASCII);
      try {
        Files.move(tmp, f, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, f, StandardCopyOption.REPLACE_EXISTING);
      }
      log.info("control token written to {}", f);
      return token;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the control token " + f + ": " + e.getMessage(), e);
    }
  }

  private static boolean posix() {
    return FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
  }

  /** Refuses the request (403 wrong Host, 401 no or wrong token, 415 a body that is not JSON); passes otherwise. */
  void check(HttpHeaders h) {
    String host = h.get("Host");
    if (host == null || !hostAllowed(host)) {
      throw new PlatformException(403, FORBIDDEN, "Host '" + (host == null ? "" : abbreviate(host)) + "' is not "
          + "allowed: the control API answers requests for localhost, 127.0.0.1 or [::1]"
          + (allowedHosts.isEmpty() ? "" : " and " + allowedHosts));
    }
    if (!holdsToken(h)) {
      throw new PlatformException(401, UNAUTHORIZED, "the control API needs 'Authorization: Bearer <token>' with "
          + "the token in the platform's home (" + ControlToken.FILE + ")");
    }
    if (hasBody(h)) {
      String type = h.get("Content-Type");
      if (type == null || !Payloads.JSON.equals(Payloads.mediaType(type))) {
        throw new PlatformException(415, UNSUPPORTED_MEDIA_TYPE, "request bodies must be application/json, got "
            + (type == null ? "no Content-Type" : "'" + abbreviate(type) + "'"));
      }
    }
  }

  /** True when the request carries the control token; compared in constant time (digests, so no length leak). */
  public boolean holdsToken(HttpHeaders h) {
    String auth = h.get("Authorization");
    if (auth == null || auth.length() < 7 || !auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return false;
    }
    return MessageDigest.isEqual(tokenDigest, sha256(auth.substring(7).trim()));
  }

  boolean hostAllowed(String hostHeader) {
    String host = hostHeader.trim().toLowerCase(Locale.ROOT);
    String name;
    if (host.startsWith("[")) {
      int close = host.indexOf(']');
      if (close < 0) {
        return false;
      }
      name = host.substring(0, close + 1);
      if (!validPort(host.substring(close + 1))) {
        return false;
      }
    } else {
      int colon = host.indexOf(':');
      name = colon < 0 ? host : host.substring(0, colon);
      if (colon >= 0 && !validPort(host.substring(colon))) {
        return false;
      }
    }
    return LOOPBACK.contains(name) || allowedHosts.contains(name);
  }

  private static boolean validPort(String rest) {
    if (rest.isEmpty()) {
      return true;
    }
    if (rest.charAt(0) != ':' || rest.length() < 2 || rest.length() > 6) {
      return false;
    }
    for (int i = 1; i < rest.length(); i++) {
      if (!Character.isDigit(rest.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  private static boolean hasBody(HttpHeaders h) {
    if (h.get("Transfer-Encoding") != null) {
      return true;
    }
    String len = h.get("Content-Length");
    return len != null && !len.trim().equals("0");
  }

  private static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JRE", e);
    }
  }

  private static String abbreviate(String s) {
    return s.length() > 60 ? s.substring(0, 60) + "..." : s;
  }
}
