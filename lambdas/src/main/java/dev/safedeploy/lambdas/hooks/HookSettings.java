package dev.safedeploy.lambdas.hooks;

import java.util.Map;

/** Reads the hooks' environment; read at check time so a bad setting is reported Failed, not an init crash. */
final class HookSettings {

  static final String SAMPLE_ROWS = "SAMPLE_ROWS";
  static final String MAX_LATENCY_MILLIS = "MAX_LATENCY_MILLIS";
  static final long DEFAULT_MAX_LATENCY_MILLIS = 3000;

  private final Map<String, String> env;

  HookSettings(Map<String, String> env) {
    this.env = Map.copyOf(env);
  }

  String required(String name) {
    String value = env.get(name);
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(name + " is not set on the hook function");
    }
    return value.trim();
  }

  SampleRows sampleRows() {
    return SampleRows.parse(env.get(SAMPLE_ROWS), SAMPLE_ROWS);
  }

  long maxLatencyMillis() {
    String value = env.get(MAX_LATENCY_MILLIS);
    if (value == null || value.isBlank()) {
      return DEFAULT_MAX_LATENCY_MILLIS;
    }
    try {
      long millis = Long.parseLong(value.trim());
      if (millis <= 0) {
        throw new NumberFormatException("not positive");
      }
      return millis;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(MAX_LATENCY_MILLIS + " must be a positive number of milliseconds, got '"
          + value + "'");
    }
  }
}
