package dev.safedeploy.lambdas.alarms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.safedeploy.workflows.client.TemporalConnection;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** The bridge reads the same envconfig settings as the worker and CLI, with secrets filled in from Secrets Manager. */
class TemporalSettingsTest {

  private static final String ARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:";
  private final List<String> secretsRead = new ArrayList<>();
  private final Function<String, String> secrets = arn -> {
    secretsRead.add(arn);
    return arn.endsWith("empty") ? "" : "from:" + arn.substring(ARN.length());
  };

  @Test
  void plainConnectionWithoutApiKey() {
    TemporalConnection.Settings settings = TemporalSettings.fromEnvironment(
        Map.of("TEMPORAL_ADDRESS", "temporal.internal:7233", "TEMPORAL_CONFIG_FILE", "/nonexistent.toml"), secrets);
    assertThat(settings.address()).isEqualTo("temporal.internal:7233");
    assertThat(settings.namespace()).isEqualTo("default");
    assertThat(settings.profile().getApiKey()).isNull();
    assertThat(settings.profile().getTls()).isNull();
    assertThat(secretsRead).isEmpty();
  }

  @Test
  void aDirectApiKeyWinsOverItsSecret() {
    TemporalConnection.Settings settings = TemporalSettings.fromEnvironment(Map.of(
        "TEMPORAL_ADDRESS", "safedeploy.a1b2c.tmprl.cloud:7233",
        "TEMPORAL_NAMESPACE", "safedeploy.a1b2c",
        "TEMPORAL_API_KEY", "key-direct",
        "TEMPORAL_API_KEY_SECRET_ARN", ARN + "temporal"), secrets);
    assertThat(settings.profile().getApiKey()).isEqualTo("key-direct");
    assertThat(secretsRead).as("a direct key wins; the secret is not read").isEmpty();
    assertThat(settings.namespace()).isEqualTo("safedeploy.a1b2c");
  }

  @Test
  void apiKeyAndMtlsMaterialAreReadFromSecretsWhenNotGiven() {
    TemporalConnection.Settings settings = TemporalSettings.fromEnvironment(Map.of(
        "TEMPORAL_ADDRESS", "temporal.corp:7233",
        "TEMPORAL_API_KEY_SECRET_ARN", ARN + "key",
        "TEMPORAL_TLS_CLIENT_CERT_SECRET_ARN", ARN + "cert",
        "TEMPORAL_TLS_CLIENT_KEY_SECRET_ARN", ARN + "pkey",
        "TEMPORAL_TLS_SERVER_CA_CERT_SECRET_ARN", ARN + "ca",
        "TEMPORAL_TLS_SERVER_NAME", "temporal.corp"), secrets);
    assertThat(secretsRead).containsExactlyInAnyOrder(ARN + "key", ARN + "cert", ARN + "pkey", ARN + "ca");
    assertThat(settings.profile().getApiKey()).isEqualTo("from:key");
    var tls = settings.profile().getTls();
    assertThat(new String(tls.getClientCertData())).isEqualTo("from:cert");
    assertThat(new String(tls.getClientKeyData())).isEqualTo("from:pkey");
    assertThat(new String(tls.getServerCACertData())).isEqualTo("from:ca");
    assertThat(tls.getServerName()).isEqualTo("temporal.corp");
  }

  @Test
  void emptySecretIsAnError() {
    assertThatThrownBy(() -> TemporalSettings.fromEnvironment(Map.of("TEMPORAL_ADDRESS", "x:7233",
        "TEMPORAL_API_KEY_SECRET_ARN", ARN + "empty"), secrets))
        .hasMessageContaining("TEMPORAL_API_KEY_SECRET_ARN").hasMessageContaining("is empty");
  }

  @Test
  void missingAddressIsAnError() {
    assertThatThrownBy(() -> TemporalSettings.fromEnvironment(Map.of("TEMPORAL_NAMESPACE", "default"), secrets))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("TEMPORAL_ADDRESS is not set");
  }
}
