package dev.safedeploy.workflows.retrain;

import dev.safedeploy.workflows.pipeline.PipelineRequest;
import java.util.Collection;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The version label a retrain gives the next model version. A label ending in a counter after a letter counts on
 * ({@code v1 → v2}, {@code v9 → v10}, {@code v09 → v10}, {@code model-v3 → model-v4}, {@code 7 → 8}); anything else,
 * such as a date ({@code 2024-01}), would be ambiguous to count on and gets a retrain suffix ({@code 2024-01 →
 * 2024-01-r2 → 2024-01-r3}).
 */
public final class VersionNames {

  // trailing digits after a letter (or the whole label); a date's "-01" ends after a hyphen and is not a counter
  private static final Pattern COUNTER = Pattern.compile("^(|.*[a-z])([0-9]+)$");
  private static final String RETRAIN_SUFFIX = "-r";

  private VersionNames() {}

  /** The label after {@code version}; IllegalArgumentException when that would not be a valid version label. */
  public static String next(String version) {
    if (!PipelineRequest.isValidVersion(version)) {
      throw new IllegalArgumentException("'" + version + "' is not a version label (lowercase letters, digits and "
          + "inner hyphens, at most " + PipelineRequest.MAX_VERSION_LENGTH + " characters)");
    }
    Matcher m = COUNTER.matcher(version);
    String next;
    if (m.matches()) {
      String digits = m.group(2);
      String counted = new java.math.BigInteger(digits).add(java.math.BigInteger.ONE).toString();
      // keep zero padding while it fits: v09 -> v10, v007 -> v008
      if (counted.length() < digits.length()) {
        counted = "0".repeat(digits.length() - counted.length()) + counted;
      }
      next = m.group(1) + counted;
    } else {
      next = version + RETRAIN_SUFFIX + "2";
    }
    if (!PipelineRequest.isValidVersion(next)) {
      throw new IllegalArgumentException("the version after '" + version + "' would be '" + next
          + "', longer than " + PipelineRequest.MAX_VERSION_LENGTH + " characters; name the next version by hand");
    }
    return next;
  }

  /**
   * The next version of a model whose production version is {@code live} and which has had {@code known} versions:
   * the label after the highest of live's family (labels counting the same way: {@code v1, v2, v10}, or {@code
   * 2024-01, 2024-01-r2}) that is not known. With nothing live, the highest known label of any family is counted on.
   *
   * @throws IllegalArgumentException when there is neither a live nor a known version, or a label cannot be counted
   */
  public static String after(String live, Collection<String> known) {
    java.util.List<String> all = new java.util.ArrayList<>(known);
    if (live != null) {
      all.add(live);
    }
    all.removeIf(v -> !PipelineRequest.isValidVersion(v));
    if (all.isEmpty()) {
      throw new IllegalArgumentException("no version to count on");
    }
    String family = live == null ? null : family(live);
    String highest = all.stream().filter(v -> family == null || family(v).equals(family))
        .max(java.util.Comparator.comparing(VersionNames::counter).thenComparing(v -> v)).orElseThrow();
    return nextFree(highest, all);
  }

  /** The label without its counter ({@code v10 -> v}; {@code 2024-01 -> 2024-01-r}, whose next is -r2). */
  static String family(String version) {
    Matcher m = COUNTER.matcher(version);
    return m.matches() ? m.group(1) : version + RETRAIN_SUFFIX;
  }

  static java.math.BigInteger counter(String version) {
    Matcher m = COUNTER.matcher(version);
    return m.matches() ? new java.math.BigInteger(m.group(2)) : java.math.BigInteger.ONE;
  }

  /** The first label after {@code version} that is not {@code taken} (versions that already had a run). */
  public static String nextFree(String version, Collection<String> taken) {
    String candidate = next(version);
    while (taken.contains(candidate)) {
      candidate = next(candidate);
    }
    return candidate;
  }
}
