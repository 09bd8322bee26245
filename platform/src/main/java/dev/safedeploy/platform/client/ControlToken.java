package dev.safedeploy.platform.client;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * The local platform's control token: written into the platform's home ({@value #FILE}, mode 0600) on its first
 * start, sent by every client as {@code Authorization: Bearer <token>}. Whoever can read the platform's home may
 * control it; nobody else (a web page in the user's browser, another user of the machine) can.
 */
public final class ControlToken {
  /** The token's file name in the platform's home. */
  public static final String FILE = "control-token";
  /** Overrides the file for clients that do not share the platform's home (a worker on another machine). */
  public static final String ENV = "SAFEDEPLOY_PLATFORM_TOKEN";

  private ControlToken() {}

  public static Path file(Path platformHome) {
    return platformHome.resolve(FILE);
  }

  /**
   * The token in the platform's home.
   *
   * @throws IllegalStateException naming the file when it is absent or empty (the platform has not started on that
   *     home yet, or the home is not the platform's)
   */
  public static String read(Path platformHome) {
    Path f = file(platformHome);
    String token;
    try {
      token = Files.readString(f, StandardCharsets.US_ASCII).trim();
    } catch (NoSuchFileException e) {
      throw new IllegalStateException("no control token at " + f.toAbsolutePath() + ": start the local platform on "
          + platformHome.toAbsolutePath() + " first (it writes the token there), or set " + ENV, e);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the control token " + f.toAbsolutePath() + ": " + e.getMessage(), e);
    }
    if (token.isEmpty()) {
      throw new IllegalStateException("the control token " + f.toAbsolutePath() + " is empty; restart the local "
          + "platform to write a new one");
    }
    return token;
  }

  /** {@value #ENV} when set, else the token in the platform's home. */
  public static String resolve(Path platformHome) {
    String env = System.getenv(ENV);
    if (env != null && !env.isBlank()) {
      return env.trim();
    }
    if (platformHome == null) {
      throw new IllegalStateException("the local platform's home is needed to read its control token (or set "
          + ENV + ")");
    }
    return read(platformHome);
  }

  /** The header value a client sends. */
  public static String bearer(String token) {
    return "Bearer " + token;
  }
}
