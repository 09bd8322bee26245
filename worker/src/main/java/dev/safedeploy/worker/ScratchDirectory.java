package dev.safedeploy.worker;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** The demo's and the benchmarks' scratch directories, wiped before each run so every run starts from nothing. */
public final class ScratchDirectory {

  private ScratchDirectory() {}

  /** Deletes {@code dir} and everything below it; a directory that does not exist is already wiped. */
  public static void wipe(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
