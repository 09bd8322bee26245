package dev.safedeploy.platform.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.safedeploy.platform.client.ControlToken;
import dev.safedeploy.platform.client.PlatformClient;
import dev.safedeploy.platform.client.PlatformClientException;
import dev.safedeploy.platform.testing.RawHttp;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ControlAccessTest {

  @Test
  void theTokenIsWrittenOwnerOnlyOnFirstStartAndKeptAcrossRestarts(@TempDir Path home) throws Exception {
    String first;
    try (LocalPlatform p = LocalPlatform.start(PlatformConfig.of(home))) {
      Path f = ControlToken.file(home);
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f))).isEqualTo("rw-------");
      first = ControlToken.read(home);
      assertThat(first).hasSize(43).matches("[A-Za-z0-9_-]+");
      assertThat(PlatformClient.forHome(p.url(), home).health().path("status").asText()).isEqualTo("ok");
    }
    Files.setPosixFilePermissions(ControlToken.file(home), PosixFilePermissions.fromString("rw-r--r--"));
    try (LocalPlatform p = LocalPlatform.start(PlatformConfig.of(home))) {
      assertThat(ControlToken.read(home)).isEqualTo(first);
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(ControlToken.file(home))))
          .isEqualTo("rw-------");
      assertThat(PlatformClient.forHome(p.url(), home).inventory().isObject()).isTrue();
    }
  }

  @Test
  void noTokenWrongTokenWrongHostAndNonJsonBodiesAreRefused(@TempDir Path home) throws Exception {
    try (LocalPlatform p = LocalPlatform.start(PlatformConfig.of(home))) {
      String token = ControlToken.read(home);
      assertThatThrownBy(() -> new PlatformClient(p.url(), "not-the-token").health())
          .isInstanceOf(PlatformClientException.class).extracting(e -> ((PlatformClientException) e).status())
          .isEqualTo(401);
      RawHttp.Answer none = RawHttp.request(p.url(), "GET", "/health", Map.of(), null);
      assertThat(none.status()).isEqualTo(401);
      assertThat(none.body()).contains("Authorization: Bearer").contains(ControlToken.FILE).doesNotContain(token);
      // a cross-site form post: no token, not JSON
      RawHttp.Answer form = RawHttp.request(p.url(), "DELETE", "/endpoints/prod", Map.of("Content-Type",
          "application/x-www-form-urlencoded"), "a=b".getBytes(StandardCharsets.UTF_8));
      assertThat(form.status()).isEqualTo(401);
      for (String host : List.of("evil.example", "evil.example:8765", "127.0.0.1.evil.example", "localhost.",
          "[::2]:80", "localhost:80x", "")) {
        RawHttp.Answer a = RawHttp.request(p.url(), "GET", "/health", Map.of("Host", host, "Authorization",
            "Bearer " + token), null);
        assertThat(a.status()).as(host).isEqualTo(403);
      }
      for (String host : List.of("localhost", "LOCALHOST:1", "127.0.0.1:" + p.url().getPort(), "[::1]:8765")) {
        RawHttp.Answer a = RawHttp.request(p.url(), "GET", "/health", Map.of("Host", host, "Authorization",
            "Bearer " + token), null);
        assertThat(a.status()).as(host).isEqualTo(200);
      }
      RawHttp.Answer plain = RawHttp.request(p.url(), "POST", "/models", Map.of("Authorization", "Bearer " + token,
          "Content-Type", "text/plain"), "{\"name\":\"m\"}".getBytes(StandardCharsets.UTF_8));
      assertThat(plain.status()).isEqualTo(415);
      assertThat(plain.body()).contains("application/json").contains("text/plain");
      RawHttp.Answer untyped = RawHttp.request(p.url(), "POST", "/models", Map.of("Authorization", "Bearer " + token),
          "{\"name\":\"m\"}".getBytes(StandardCharsets.UTF_8));
      assertThat(untyped.status()).isEqualTo(415);
      assertThat(p.inventory().toString()).doesNotContain("\"m\"");
    }
  }

  @Test
  void anExtraAllowedHostIsAnswered(@TempDir Path home) throws Exception {
    try (LocalPlatform p = LocalPlatform.start(PlatformConfig.of(home).withAllowedHosts(List.of("Platform")))) {
      String token = ControlToken.read(home);
      assertThat(RawHttp.request(p.url(), "GET", "/health", Map.of("Host", "platform:8765", "Authorization",
          "Bearer " + token), null).status()).isEqualTo(200);
      assertThat(RawHttp.request(p.url(), "GET", "/health", Map.of("Host", "worker:8765", "Authorization",
          "Bearer " + token), null).status()).isEqualTo(403);
    }
  }
}
