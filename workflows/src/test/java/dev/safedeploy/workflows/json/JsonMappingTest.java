package dev.safedeploy.workflows.json;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class JsonMappingTest {

  record Stamp(String name, Instant at, Duration bake) {}

  @Test
  void javaTimeIsIsoTextAndReadsBack() throws Exception {
    Stamp s = new Stamp("v2", Instant.parse("2026-08-10T12:00:00Z"), Duration.ofMinutes(5));
    String json = JsonMapping.mapper().writeValueAsString(s);
    assertThat(json).isEqualTo("{\"name\":\"v2\",\"at\":\"2026-08-10T12:00:00Z\",\"bake\":\"PT5M\"}");
    assertThat(JsonMapping.mapper().readValue(json, Stamp.class)).isEqualTo(s);
  }

  @Test
  void aNewerWritersFieldsAreIgnored() throws Exception {
    Stamp s = JsonMapping.mapper().readValue("{\"name\":\"v2\",\"added\":1}", Stamp.class);
    assertThat(s.name()).isEqualTo("v2");
  }

  @Test
  void aStricterMapperDerivesFromTheSharedSettings() throws Exception {
    JsonMapper strict = JsonMapping.configure(JsonMapper.builder())
        .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();
    assertThat(strict.writeValueAsString(new Stamp("v2", Instant.EPOCH, Duration.ZERO)))
        .isEqualTo("{\"name\":\"v2\",\"at\":\"1970-01-01T00:00:00Z\",\"bake\":\"PT0S\"}");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> strict.readValue("{\"nmae\":\"v2\"}", Stamp.class))
        .hasMessageContaining("nmae");
    // the shared mapper is not changed by a derivation
    assertThat(JsonMapping.mapper().readValue("{\"nmae\":\"v2\"}", Stamp.class).name()).isNull();
  }
}
