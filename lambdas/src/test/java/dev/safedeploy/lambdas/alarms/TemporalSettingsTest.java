package dev.safedeploy.lambdas.alarms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class TemporalSettingsTest {

  private final List<String> secretsRead = new ArrayList<>();
  private final Function<String, String> secrets = arn -> {
    secretsRead.add(arn);
    return arn.endsWith("empty") ? "" : "key-from-secret";
  };

  @Test
  void plainConnectionWithoutApiKey() {
    TemporalSettings settings = TemporalSettings.fromEnvironment(Map.of("TEMPORAL_ADDRESS", "temporal.internal:7233"),
        secrets);
    assertThat(settings).isEqualTo(new TemporalSettings("temporal.internal:7233", "default", null));
    assertThat(settings.tls()).isFalse();
    WorkflowServiceStubsOptions options = settings.stubsOptions();
    assertThat(options.getTarget()).isEqualTo("temporal.internal:7233");
    assertThat(options.getEnableHttps()).isFalse();
    assertThat(secretsRead).isEmpty();
  }

  @Test
  void apiKeyTurnsTlsOnAndIsSentAsBearerToken() {
    TemporalSettings settings = TemporalSettings.fromEnvironment(Map.of(
        "TEMPORAL_ADDRESS", "safedeploy.a1b2c.tmprl.cloud:7233",
        "TEMPORAL_NAMESPACE", "safedeploy.a1b2c",
        "TEMPORAL_API_KEY", "key-direct",
        "TEMPORAL_API_KEY_SECRET_ARN", "arn:aws:secretsmanager:us-east-1:123456789012:secret:temporal"), secrets);

    assertThat(settings.apiKey()).isEqualTo("key-direct");
    assertThat(secretsRead).as("a direct key wins; the secret is not read").isEmpty();
    assertThat(settings.tls()).isTrue();
    WorkflowServiceStubsOptions options = settings.stubsOptions();
    assertThat(options.getEnableHttps()).isTrue();
    assertThat(options.getGrpcMetadataProviders()).isNotEmpty();
    assertThat(options.getHeaders().get(TemporalSettings.NAMESPACE_HEADER)).isEqualTo("safedeploy.a1b2c");
    assertThat(settings.toString()).doesNotContain("key-direct");
  }

  @Test
  void apiKeyIsReadFromTheSecretWhenNotGiven() {
    String arn = "arn:aws:secretsmanager:us-east-1:123456789012:secret:temporal";
    TemporalSettings settings = TemporalSettings.fromEnvironment(Map.of(
        "TEMPORAL_ADDRESS", "safedeploy.a1b2c.tmprl.cloud:7233", "TEMPORAL_API_KEY_SECRET_ARN", arn), secrets);
    assertThat(secretsRead).containsExactly(arn);
    assertThat(settings.apiKey()).isEqualTo("key-from-secret");
    assertThat(settings.stubsOptions().getEnableHttps()).isTrue();
  }

  @Test
  void emptySecretIsAnError() {
    assertThatThrownBy(() -> TemporalSettings.fromEnvironment(Map.of("TEMPORAL_ADDRESS", "x:7233",
        "TEMPORAL_API_KEY_SECRET_ARN", "arn:aws:secretsmanager:us-east-1:1:secret:empty"), secrets))
        .hasMessageContaining("holds no API key");
  }

  @Test
  void missingAddressIsAnError() {
    assertThatThrownBy(() -> TemporalSettings.fromEnvironment(Map.of("TEMPORAL_NAMESPACE", "default"), secrets))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("TEMPORAL_ADDRESS is not set");
  }
}
