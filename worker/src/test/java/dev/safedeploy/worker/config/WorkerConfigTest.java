package dev.safedeploy.worker.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WorkerConfigTest {

  @Test
  void defaultsPointAtTheEmbeddedDevSetup() {
    WorkerConfig c = WorkerConfig.fromEnv(Map.of("TEMPORAL_CONFIG_FILE", "/nonexistent/temporal.toml"));
    assertThat(c.temporalAddress()).isEqualTo("127.0.0.1:7233");
    assertThat(c.namespace()).isEqualTo("default");
    assertThat(c.temporal().profile().getApiKey()).isNull();
    assertThat(c.backend()).isEqualTo("local");
    assertThat(c.home()).isEqualTo(Path.of(".safedeploy"));
    assertThat(c.platformUrl()).isEqualTo("http://127.0.0.1:8765");
    assertThat(c.metricsPort()).isEqualTo(9464);
  }

  @Test
  void apiKeyTurnsTlsOn() {
    WorkerConfig c = WorkerConfig.fromEnv(Map.of("TEMPORAL_API_KEY", "k", "TEMPORAL_ADDRESS", "ns.tmprl.cloud:7233",
        "TEMPORAL_NAMESPACE", "ns.acct", "SAFEDEPLOY_BACKEND", "AWS"));
    assertThat(c.temporal().profile().toWorkflowServiceStubsOptions().getEnableHttps()).isTrue();
    assertThat(c.temporal().profile().getApiKey()).isEqualTo("k");
    assertThat(c.temporalAddress()).isEqualTo("ns.tmprl.cloud:7233");
    assertThat(c.namespace()).isEqualTo("ns.acct");
    assertThat(c.backend()).isEqualTo("aws");
  }

  @Test
  void readsTheSameTemporalProfileAsTheCli(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
    Path toml = dir.resolve("temporal.toml");
    java.nio.file.Files.writeString(toml, "[profile.staging]\naddress = \"staging:7233\"\nnamespace = \"deploys\"\n");
    WorkerConfig c = WorkerConfig.fromEnv(Map.of("TEMPORAL_CONFIG_FILE", toml.toString(),
        "TEMPORAL_PROFILE", "staging"));
    assertThat(c.temporalAddress()).isEqualTo("staging:7233");
    assertThat(c.namespace()).isEqualTo("deploys");
  }

  @Test
  void badValuesAreNamed() {
    assertThatThrownBy(() -> WorkerConfig.fromEnv(Map.of("SAFEDEPLOY_BACKEND", "gcp")))
        .hasMessage("SAFEDEPLOY_BACKEND must be local or aws, got 'gcp'");
    assertThatThrownBy(() -> WorkerConfig.fromEnv(Map.of("SAFEDEPLOY_METRICS_PORT", "x")))
        .hasMessage("SAFEDEPLOY_METRICS_PORT must be a port number, got 'x'");
  }
}
