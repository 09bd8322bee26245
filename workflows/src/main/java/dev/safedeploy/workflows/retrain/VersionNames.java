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

  /** The first label after {@code version} that is not {@code taken} (versions that already had a run). */
  public static String nextFree(String version, Collection<String> taken) {
    String candidate = next(version);
    while (taken.contains(candidate)) {
      candidate = next(candidate);
    }
    return candidate;
  }
}
