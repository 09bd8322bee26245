package dev.safedeploy.workflows.pipeline;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as people write them in commands and policy files — 500ms, 30s, 5m, 2h, 7d, 1h30m, or ISO-8601 (PT5M,
 * P7D) — and back in compact form. One parser for every command line and policy file, so they all accept the same.
 */
public final class DurationText {

  private static final Pattern PART = Pattern.compile("(\\d+)(ms|s|m|h|d)");
  private static final Pattern SHORT = Pattern.compile("(\\d+(ms|s|m|h|d))+");

  private DurationText() {}

  /** @throws IllegalArgumentException naming the value and the accepted forms */
  public static Duration parse(String value) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException("empty duration");
    }
    String v = value.trim();
    if (v.startsWith("P") || v.startsWith("p") || v.startsWith("-P")) {
      try {
        return Duration.parse(v.toUpperCase());
      } catch (DateTimeParseException e) {
        throw new IllegalArgumentException("'" + value + "' is not an ISO-8601 duration (e.g. PT5M, P7D)");
      }
    }
    if (!SHORT.matcher(v).matches()) {
      throw new IllegalArgumentException(
          "'" + value + "' is not a duration: use 30s, 5m, 2h, 7d, 1h30m, 500ms or ISO-8601 like PT5M");
    }
    Duration total = Duration.ZERO;
    Matcher m = PART.matcher(v);
    while (m.find()) {
      long n = Long.parseLong(m.group(1));
      total = total.plus(switch (m.group(2)) {
        case "ms" -> Duration.ofMillis(n);
        case "s" -> Duration.ofSeconds(n);
        case "m" -> Duration.ofMinutes(n);
        case "h" -> Duration.ofHours(n);
        default -> Duration.ofDays(n);
      });
    }
    return total;
  }

  /** Compact human form: 1d2h, 5m, 30s, 0s. */
  public static String format(Duration d) {
    if (d == null) {
      return "-";
    }
    if (d.isNegative()) {
      d = Duration.ZERO;
    }
    long s = d.getSeconds();
    StringBuilder b = new StringBuilder();
    if (s >= 86_400) {
      b.append(s / 86_400).append('d');
      s %= 86_400;
    }
    if (s >= 3600) {
      b.append(s / 3600).append('h');
      s %= 3600;
    }
    if (s >= 60) {
      b.append(s / 60).append('m');
      s %= 60;
    }
    if (s > 0 || b.length() == 0) {
      b.append(s).append('s');
    }
    return b.toString();
  }
}
