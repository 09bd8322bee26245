package dev.safedeploy.platform.data;

import java.nio.file.Path;

/** Input data that cannot be used; the message names the file and, where there is one, the line. */
public class BadDataException extends RuntimeException {
  private final Path file;
  private final long line;

  public BadDataException(Path file, long line, String message) {
    super(file + (line > 0 ? ":" + line : "") + ": " + message);
    this.file = file;
    this.line = line;
  }

  public Path file() {
    return file;
  }

  /** 1-based line number, 0 when the problem is not tied to a line. */
  public long line() {
    return line;
  }
}
