package dev.safedeploy.workflows.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Settings resolution: temporal.toml profile, then TEMPORAL_* variables, then --address/--namespace. */
class TemporalConnectionTest {

  @TempDir
  Path dir;

  @Test
  void defaultsToTheEmbeddedDevServer() {
    TemporalConnection.Settings s = TemporalConnection.resolve(
        Map.of("TEMPORAL_CONFIG_FILE", dir.resolve("absent.toml").toString()), null, null);
    assertThat(s.address()).isEqualTo("127.0.0.1:7233");
    assertThat(s.namespace()).isEqualTo("default");
  }

  @Test
  void profileThenEnvironmentThenCommandLine() throws Exception {
    Path toml = dir.resolve("temporal.toml");
    Files.writeString(toml, """
        [profile.default]
        address = "localhost:7233"

        [profile.staging]
        address = "staging.example:7233"
        namespace = "deploys"
        """);
    Map<String, String> env = Map.of("TEMPORAL_CONFIG_FILE", toml.toString(), "TEMPORAL_PROFILE", "staging");
    TemporalConnection.Settings fromProfile = TemporalConnection.resolve(env, null, null);
    assertThat(fromProfile.address()).isEqualTo("staging.example:7233");
    assertThat(fromProfile.namespace()).isEqualTo("deploys");

    TemporalConnection.Settings fromEnv = TemporalConnection.resolve(Map.of("TEMPORAL_CONFIG_FILE", toml.toString(),
        "TEMPORAL_PROFILE", "staging", "TEMPORAL_NAMESPACE", "other"), null, null);
    assertThat(fromEnv.namespace()).isEqualTo("other");
    assertThat(fromEnv.address()).isEqualTo("staging.example:7233");

    TemporalConnection.Settings fromFlags = TemporalConnection.resolve(env, "10.1.2.3:7233", "ns");
    assertThat(fromFlags.address()).isEqualTo("10.1.2.3:7233");
    assertThat(fromFlags.namespace()).isEqualTo("ns");
    assertThat(fromFlags.profile().getAddress()).isEqualTo("10.1.2.3:7233");
  }

  @Test
  void apiKeyAndTlsSettingsComeThrough() {
    TemporalConnection.Settings s = TemporalConnection.resolve(Map.of(
        "TEMPORAL_CONFIG_FILE", dir.resolve("absent.toml").toString(),
        "TEMPORAL_ADDRESS", "my-ns.acct.tmprl.cloud:7233", "TEMPORAL_API_KEY", "secret-key",
        "TEMPORAL_TLS_SERVER_NAME", "my-ns.acct.tmprl.cloud"), null, null);
    assertThat(s.profile().getApiKey()).isEqualTo("secret-key");
    assertThat(s.profile().getTls().getServerName()).isEqualTo("my-ns.acct.tmprl.cloud");
  }

  @Test
  void anUnknownProfileIsABadSettingNotAnUnreachableServer() throws Exception {
    Path toml = dir.resolve("temporal.toml");
    Files.writeString(toml, "[profile.default]\naddress = \"localhost:7233\"\n");
    assertThatThrownBy(() -> TemporalConnection.resolve(Map.of("TEMPORAL_CONFIG_FILE", toml.toString(),
        "TEMPORAL_PROFILE", "prod"), null, null))
        .isInstanceOfSatisfying(TemporalConnection.ConnectionException.class,
            e -> assertThat(e.unreachable()).isFalse())
        .hasMessageContaining("prod");
  }

  @Test
  void aMalformedAddressIsABadSetting() {
    for (String bad : new String[] {"localhost", "http://localhost:7233", "host:port", "a b:7233"}) {
      assertThatThrownBy(() -> TemporalConnection.resolve(
          Map.of("TEMPORAL_CONFIG_FILE", dir.resolve("absent.toml").toString()), bad, null))
          .as(bad)
          .isInstanceOfSatisfying(TemporalConnection.ConnectionException.class,
              e -> assertThat(e.unreachable()).isFalse())
          .hasMessageContaining("expected HOST:PORT");
    }
    assertThat(TemporalConnection.resolve(Map.of("TEMPORAL_CONFIG_FILE", dir.resolve("absent.toml").toString()),
        "[::1]:7233", null).address()).isEqualTo("[::1]:7233");
  }

  @Test
  void anApiKeyConnectionCarriesTheNamespaceHeaderForCloudRouting() {
    TemporalConnection.Settings s = TemporalConnection.resolve(Map.of(
        "TEMPORAL_CONFIG_FILE", dir.resolve("absent.toml").toString(),
        "TEMPORAL_ADDRESS", "us-east-1.aws.api.temporal.io:7233", "TEMPORAL_NAMESPACE", "ns.acct",
        "TEMPORAL_API_KEY", "k"), null, null);
    try (TemporalConnection c = TemporalConnection.open(s, new TemporalConnection.Options(null, "test", null))) {
      assertThat(c.stubs().getOptions().getEnableHttps()).isTrue();
      assertThat(c.stubs().getOptions().getHeaders().get(TemporalConnection.NAMESPACE_HEADER)).isEqualTo("ns.acct");
      assertThat(c.client().getOptions().getNamespace()).isEqualTo("ns.acct");
    }
  }
}
