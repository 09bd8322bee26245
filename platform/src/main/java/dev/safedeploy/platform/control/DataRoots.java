package dev.safedeploy.platform.control;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The directories the platform reads data, baselines and model artifacts from: its home and the configured data
 * roots, nothing else. A path is resolved to its real location first (symbolic links followed, {@code ..} gone), so a
 * link inside a root to /etc/passwd is outside. A refusal names the path and the roots, never the file's contents.
 */
final class DataRoots {
  private final List<Path> roots;

  DataRoots(Path home, List<Path> configured) {
    Set<Path> all = new LinkedHashSet<>();
    all.add(real(home));
    for (Path p : configured) {
      all.add(real(p));
    }
    this.roots = List.copyOf(all);
  }

  List<Path> roots() {
    return roots;
  }

  /**
   * The path, when it lies inside a root.
   *
   * @throws PlatformException 400 naming the field when it is not a usable path or lies outside every root
   */
  Path confine(String field, String path) {
    PlatformException.require(path, field);
    Path p;
    try {
      p = Path.of(path.startsWith("file:") ? java.net.URI.create(path).getPath() : path);
    } catch (IllegalArgumentException e) { // InvalidPathException too
      throw PlatformException.badRequest(field + " '" + abbreviate(path) + "' is not a path");
    }
    if (!p.isAbsolute()) {
      throw PlatformException.badRequest(field + " '" + abbreviate(path) + "' must be an absolute path");
    }
    Path resolved = real(p);
    for (Path root : roots) {
      if (resolved.startsWith(root)) {
        return p;
      }
    }
    throw new PlatformException(400, PlatformException.BAD_REQUEST, field + " '" + abbreviate(path)
        + "' is outside the platform's data roots " + roots + "; add its directory with --data-root (or "
        + "SAFEDEPLOY_DATA_ROOTS) to let the platform read it");
  }

  /** The real path; for a path that does not exist yet, its deepest existing ancestor's real path plus the rest. */
  private static Path real(Path p) {
    Path abs = p.toAbsolutePath().normalize();
    List<Path> missing = new ArrayList<>();
    Path cur = abs;
    while (cur != null) {
      try {
        Path r = cur.toRealPath();
        for (int i = missing.size() - 1; i >= 0; i--) {
          r = r.resolve(missing.get(i));
        }
        return r;
      } catch (IOException e) {
        if (cur.getFileName() == null) {
          return abs;
        }
        missing.add(cur.getFileName());
        cur = cur.getParent();
      }
    }
    return abs;
  }

  private static String abbreviate(String s) {
    return s.length() > 200 ? s.substring(0, 200) + "..." : s;
  }

  @Override
  public String toString() {
    return roots.toString();
  }
}
