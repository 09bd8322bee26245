package dev.safedeploy.starter.docker;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.safedeploy.starter.cli.Json;
import dev.safedeploy.workflows.pipeline.SearchAttributes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** No Docker engine runs here, so docker-compose.yml is checked for structure: what must be there is there. */
class DockerComposeTest {

  static Path root;
  static JsonNode compose;
  static JsonNode services;

  @BeforeAll
  static void read() throws IOException {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null && !Files.exists(dir.resolve("docker-compose.yml"))) {
      dir = dir.getParent();
    }
    assertThat(dir).as("docker-compose.yml above " + Path.of("").toAbsolutePath()).isNotNull();
    root = dir;
    compose = Json.YAML.readTree(Files.readString(root.resolve("docker-compose.yml")));
    services = compose.path("services");
  }

  private static List<String> names(JsonNode object) {
    List<String> names = new ArrayList<>();
    object.fieldNames().forEachRemaining(names::add);
    return names;
  }

  private static String env(String service, String name) {
    JsonNode env = services.path(service).path("environment");
    if (env.isArray()) {
      for (JsonNode e : env) {
        if (e.asText().startsWith(name + "=")) {
          return e.asText().substring(name.length() + 1);
        }
      }
      return null;
    }
    return env.hasNonNull(name) ? env.get(name).asText() : null;
  }

  @Test
  void theLocalWorkerTalksToThePlatformService() {
    assertThat(env("worker", "SAFEDEPLOY_PLATFORM_URL")).isEqualTo("http://platform:8765");
    assertThat(services.path("platform").path("command").toString()).contains("platform").contains("0.0.0.0")
        .contains("--allow-host", "platform");
    assertThat(services.path("platform").path("healthcheck").toString()).contains("control-token");
    assertThat(env("platform", "TEMPORAL_ADDRESS")).isEqualTo("temporal:7233");
  }

  @Test
  void hasEveryService() {
    assertThat(names(services)).contains("postgresql", "temporal", "temporal-setup", "temporal-ui", "platform",
        "worker", "gateway");
    for (String s : names(services)) {
      assertThat(services.path(s).has("image") || services.path(s).has("build")).as(s + " has an image").isTrue();
    }
  }

  @Test
  void dependsOnTargetsExistAndHealthConditionsHaveHealthchecks() {
    Set<String> valid = Set.of("service_started", "service_healthy", "service_completed_successfully");
    for (String s : names(services)) {
      JsonNode deps = services.path(s).path("depends_on");
      List<String> targets = new ArrayList<>();
      if (deps.isArray()) {
        deps.forEach(d -> targets.add(d.asText()));
      } else {
        for (Iterator<Map.Entry<String, JsonNode>> it = deps.fields(); it.hasNext(); ) {
          Map.Entry<String, JsonNode> d = it.next();
          targets.add(d.getKey());
          String condition = d.getValue().path("condition").asText();
          assertThat(valid).as(s + " -> " + d.getKey()).contains(condition);
          if (condition.equals("service_healthy")) {
            assertThat(services.path(d.getKey()).has("healthcheck"))
                .as(s + " waits for " + d.getKey() + " to be healthy, so it needs a healthcheck").isTrue();
          }
        }
      }
      assertThat(names(services)).as("depends_on of " + s).containsAll(targets);
      assertThat(targets).as(s + " must not depend on itself").doesNotContain(s);
    }
    assertThat(services.path("temporal").path("depends_on").path("postgresql").path("condition").asText())
        .isEqualTo("service_healthy");
    assertThat(services.path("worker").path("depends_on").path("temporal-setup").path("condition").asText())
        .isEqualTo("service_completed_successfully");
  }

  @Test
  void longRunningServicesHaveHealthchecks() {
    for (String s : List.of("postgresql", "temporal", "temporal-ui", "worker", "gateway")) {
      JsonNode hc = services.path(s).path("healthcheck");
      assertThat(hc.path("test").isArray() && hc.path("test").size() > 1).as(s + " healthcheck test").isTrue();
      assertThat(hc.path("interval").asText()).as(s + " interval").isNotEmpty();
    }
    assertThat(services.path("gateway").path("healthcheck").path("test").toString()).contains("/healthz");
  }

  @Test
  void portsWebUiOn8080TemporalOn7233GatewayOnItsPort() {
    assertThat(ports("temporal-ui")).contains("8080:8080");
    assertThat(ports("temporal")).contains("7233:7233");
    String gatewayPort = env("gateway", "SAFEDEPLOY_GATEWAY_PORT");
    assertThat(ports("gateway")).contains(gatewayPort + ":" + gatewayPort);
    assertThat(env("worker", "SAFEDEPLOY_GATEWAY_URL")).isEqualTo("http://gateway:" + gatewayPort);
    assertThat(services.path("worker").path("healthcheck").path("test").toString())
        .contains("127.0.0.1:" + env("worker", "SAFEDEPLOY_METRICS_PORT") + "/metrics");
    assertThat(env("temporal-ui", "TEMPORAL_ADDRESS")).isEqualTo("temporal:7233");
  }

  private static List<String> ports(String service) {
    List<String> ports = new ArrayList<>();
    services.path(service).path("ports").forEach(p -> ports.add(p.asText()));
    return ports;
  }

  @Test
  void theSetupServiceRegistersExactlyThePipelinesSearchAttributes() throws IOException {
    List<String> expected = SearchAttributes.ALL.stream().map(k -> k.getName()).toList();
    assertThat(Arrays.asList(env("temporal-setup", "SAFEDEPLOY_SEARCH_ATTRIBUTES").split("\\s+")))
        .containsExactlyInAnyOrderElementsOf(expected);
    JsonNode mount = services.path("temporal-setup").path("volumes").get(0);
    Path script = root.resolve(mount.asText().split(":")[0]);
    assertThat(script).exists();
    assertThat(Files.readString(script)).contains("temporal operator search-attribute create", "--type Keyword");
    assertThat(services.path("temporal-setup").path("entrypoint").toString())
        .contains(mount.asText().split(":")[1]);
  }

  @Test
  void workerAndGatewayAreBuiltFromTheDockerfileAndPointAtTemporal() throws IOException {
    for (String s : List.of("worker", "gateway")) {
      JsonNode build = services.path(s).path("build");
      Path dockerfile = root.resolve(build.path("context").asText(".")).resolve(build.path("dockerfile").asText());
      assertThat(dockerfile).as(s + " Dockerfile").exists();
      assertThat(Files.readString(dockerfile)).contains("./mvnw", "dev.safedeploy.starter.SafedeployCli");
      assertThat(env(s, "TEMPORAL_ADDRESS")).isEqualTo("temporal:7233");
      assertThat(env(s, "TEMPORAL_NAMESPACE")).isEqualTo(env("temporal", "DEFAULT_NAMESPACE"));
    }
    assertThat(services.path("worker").path("command").get(0).asText()).isEqualTo("worker");
    assertThat(services.path("gateway").path("command").get(0).asText()).isEqualTo("gateway");
    for (String slack : List.of("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_CHANNEL")) {
      assertThat(env("gateway", slack)).as(slack).isNotNull();
    }
  }

  @Test
  void namedVolumesAreDeclared() {
    for (String s : names(services)) {
      for (JsonNode v : services.path(s).path("volumes")) {
        String source = v.asText().split(":")[0];
        if (!source.startsWith(".") && !source.startsWith("/")) {
          assertThat(compose.path("volumes").has(source)).as(s + " uses volume " + source).isTrue();
        }
      }
    }
  }
}
