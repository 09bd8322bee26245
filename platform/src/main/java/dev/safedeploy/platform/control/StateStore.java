package dev.safedeploy.platform.control;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.safedeploy.workflows.json.JsonMapping;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The platform's state on disk: one JSON file per resource under {@code home/state/<kind>/<name>.json}, each written
 * to a temporary file and renamed over the old one, so a crash at any instant leaves the old or the new version.
 */
public final class StateStore {
  private static final Logger log = LoggerFactory.getLogger(StateStore.class);
  /** SageMaker-like resource names; also keeps names from escaping their directory. */
  static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,62}");

  private static final ObjectMapper JSON = JsonMapping.mapper();

  private final Path root;

  public StateStore(Path root) {
    this.root = root;
  }

  public static void checkName(String what, String name) {
    if (name == null || !NAME.matcher(name).matches() || name.contains("..")) {
      throw PlatformException.badRequest(what + " name '" + name + "' is invalid: 1-63 characters of letters, digits,"
          + " '.', '_' or '-', starting with a letter or digit");
    }
  }

  public Path file(String kind, String name) {
    return root.resolve(kind).resolve(name + ".json");
  }

  public synchronized void save(String kind, String name, Object value) {
    Path target = file(kind, name);
    try {
      Files.createDirectories(target.getParent());
      Path tmp = target.resolveSibling("." + name + ".json.tmp");
      Files.write(tmp, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(value));
      try {
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write state file " + target, e);
    }
  }

  public synchronized void delete(String kind, String name) {
    try {
      Files.deleteIfExists(file(kind, name));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete state file " + file(kind, name), e);
    }
  }

  /** Loaded state of one kind, and the files that could not be read (file -> what is wrong). */
  public record Loaded<T>(Map<String, T> values, Map<String, String> corrupt) {}

  public <T> Loaded<T> loadAll(String kind, Class<T> type) {
    Map<String, T> values = new LinkedHashMap<>();
    Map<String, String> corrupt = new LinkedHashMap<>();
    Path dir = root.resolve(kind);
    if (!Files.isDirectory(dir)) {
      return new Loaded<>(values, corrupt);
    }
    try (Stream<Path> files = Files.list(dir)) {
      files.filter(f -> f.getFileName().toString().endsWith(".json") && !f.getFileName().toString().startsWith("."))
          .sorted().forEach(f -> {
            String name = f.getFileName().toString();
            name = name.substring(0, name.length() - ".json".length());
            try {
              T value = JSON.readValue(f.toFile(), type);
              if (value == null) {
                throw new IOException("empty document");
              }
              values.put(name, value);
            } catch (IOException | RuntimeException e) {
              String problem = quarantine(kind, f, firstLine(e));
              log.error(problem);
              corrupt.put(name, problem);
            }
          });
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list state directory " + dir, e);
    }
    return new Loaded<>(values, corrupt);
  }

  /** Where unreadable state files are moved: {@code <state root>/.quarantine/<kind>/} (no kind starts with a dot). */
  public Path quarantineDir() {
    return root.resolve(".quarantine");
  }

  /**
   * Moves an unreadable state file aside (so it is neither lost nor read again on every start) and says so: the
   * report names the file, where it went, what is wrong, and how to recover.
   */
  String quarantine(String kind, Path f, String what) {
    Path target = quarantineDir().resolve(kind).resolve(f.getFileName() + "." + System.currentTimeMillis());
    try {
      Files.createDirectories(target.getParent());
      Files.move(f, target);
      return "state file " + f + " is corrupt and was not restored (" + what + "); it was moved to " + target
          + ": repair it and move it back before the next start, or delete the resource to start it over";
    } catch (IOException e) {
      return "state file " + f + " is corrupt and was not restored (" + what + "); moving it to " + target
          + " failed too: " + e.getMessage();
    }
  }

  /** The files in quarantine, from this start and earlier ones. */
  public java.util.List<String> quarantined() {
    Path dir = quarantineDir();
    if (!Files.isDirectory(dir)) {
      return java.util.List.of();
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      return walk.filter(Files::isRegularFile).map(Path::toString).sorted().toList();
    } catch (IOException e) {
      return java.util.List.of("cannot list " + dir + ": " + e.getMessage());
    }
  }

  private static String firstLine(Exception e) {
    String m = String.valueOf(e.getMessage());
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl);
  }
}
