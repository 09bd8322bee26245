package dev.safedeploy.worker.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WorkerConfigTest {

  @Test
  void defaultsPointAtTheEmbeddedDevSetup() {
    WorkerConfig c = WorkerConfig.fromEnv(Map.of());
    assertThat(c.temporalAddress()).isEqualTo("127.0.0.1:7233");
    assertThat(c.namespace()).isEqualTo("default");
    assertThat(c.tls()).isFalse();
    assertThat(c.backend()).isEqualTo("local");
    assertThat(c.home()).isEqualTo(Path.of(".safedeploy"));
    assertThat(c.platformUrl()).isEqualTo("http://127.0.0.1:8765");
    assertThat(c.metricsPort()).isEqualTo(9464);
  }

  @Test
  void apiKeyTurnsTlsOn() {
    WorkerConfig c = WorkerConfig.fromEnv(Map.of("TEMPORAL_API_KEY", "k", "TEMPORAL_ADDRESS", "ns.tmprl.cloud:7233",
        "TEMPORAL_NAMESPACE", "ns.acct", "SAFEDEPLOY_BACKEND", "AWS"));
    assertThat(c.tls()).isTrue();
    assertThat(c.apiKey()).isEqualTo("k");
    assertThat(c.backend()).isEqualTo("aws");
  }

  @Test
  void badValuesAreNamed() {
    assertThatThrownBy(() -> WorkerConfig.fromEnv(Map.of("SAFEDEPLOY_BACKEND", "gcp")))
        .hasMessage("SAFEDEPLOY_BACKEND must be local or aws, got 'gcp'");
    assertThatThrownBy(() -> WorkerConfig.fromEnv(Map.of("SAFEDEPLOY_METRICS_PORT", "x")))
        .hasMessage("SAFEDEPLOY_METRICS_PORT must be a port number, got 'x'");
  }
}
