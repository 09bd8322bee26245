package dev.safedeploy.lambdas.alarms;

import dev.safedeploy.workflows.client.TemporalConnection;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * Where and how the bridge reaches Temporal: the same temporal-envconfig settings as the worker and the CLI
 * ({@link TemporalConnection}: {@code TEMPORAL_ADDRESS}, {@code TEMPORAL_NAMESPACE}, {@code TEMPORAL_API_KEY},
 * {@code TEMPORAL_TLS*}, a temporal.toml profile through {@code TEMPORAL_CONFIG_FILE}), plus what a Lambda needs on
 * top: secrets. A value not given directly is read from Secrets Manager when its {@code *_SECRET_ARN} is set — the API
 * key, and for mTLS the client certificate, its key and the server CA, as PEM text.
 */
public final class TemporalSettings {

  public static final String ADDRESS = "TEMPORAL_ADDRESS";
  public static final String NAMESPACE = "TEMPORAL_NAMESPACE";
  public static final String CONFIG_FILE = "TEMPORAL_CONFIG_FILE";
  public static final String API_KEY = "TEMPORAL_API_KEY";

  /** Secret ARN variable -> the envconfig variable its value fills. */
  static final Map<String, String> SECRETS = Map.of(
      "TEMPORAL_API_KEY_SECRET_ARN", API_KEY,
      "TEMPORAL_TLS_CLIENT_CERT_SECRET_ARN", "TEMPORAL_TLS_CLIENT_CERT_DATA",
      "TEMPORAL_TLS_CLIENT_KEY_SECRET_ARN", "TEMPORAL_TLS_CLIENT_KEY_DATA",
      "TEMPORAL_TLS_SERVER_CA_CERT_SECRET_ARN", "TEMPORAL_TLS_SERVER_CA_CERT_DATA");

  public static final String API_KEY_SECRET_ARN = "TEMPORAL_API_KEY_SECRET_ARN";

  /** The variables naming a secret to read (what a deployment template sets for the bridge). */
  public static java.util.Set<String> secretArnVariables() {
    return SECRETS.keySet();
  }

  private TemporalSettings() {}

  /**
   * @param secretReader reads a Secrets Manager secret's string value by ARN; only called for values not given
   *     directly
   */
  public static TemporalConnection.Settings fromEnvironment(Map<String, String> env,
      Function<String, String> secretReader) {
    if (blank(env.get(ADDRESS)) && blank(env.get(CONFIG_FILE))) {
      // no dev-server default in a Lambda: it would only ever time out
      throw new IllegalStateException(ADDRESS + " is not set: the bridge cannot reach Temporal");
    }
    Map<String, String> resolved = new HashMap<>(env);
    SECRETS.forEach((arnVariable, target) -> {
      String arn = env.get(arnVariable);
      if (!blank(arn) && blank(env.get(target))) {
        String value = secretReader.apply(arn.trim());
        if (blank(value)) {
          throw new IllegalStateException("secret " + arn + " (" + arnVariable + ") is empty");
        }
        resolved.put(target, value.trim());
      }
    });
    return TemporalConnection.resolve(resolved);
  }

  public static TemporalConnection connect(TemporalConnection.Settings settings) {
    return TemporalConnection.open(settings, new TemporalConnection.Options(null, "safedeploy-alarm-bridge", null));
  }

  private static boolean blank(String value) {
    return value == null || value.isBlank();
  }
}
