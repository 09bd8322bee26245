package dev.safedeploy.starter.cli;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.MapperBuilder;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.safedeploy.workflows.json.JsonMapping;
import dev.safedeploy.workflows.pipeline.DurationText;
import java.io.IOException;
import java.time.Duration;

/**
 * How the CLI and the gateway write and read JSON and YAML: the shared {@link JsonMapping} settings, made strict for
 * what people write (policy files, arguments): an unknown field is a typo and fails, enums are case-insensitive
 * ("canary"), and a duration may be written as the CLI prints it ("5m", or seconds).
 */
public final class Json {

  public static final ObjectMapper MAPPER = forPeople(JsonMapping.configure(JsonMapper.builder())).build();
  public static final ObjectMapper YAML = forPeople(JsonMapping.configure(YAMLMapper.builder())).build();

  private Json() {}

  private static <M extends ObjectMapper, B extends MapperBuilder<M, B>> B forPeople(B builder) {
    SimpleModule durations = new SimpleModule("safedeploy-durations");
    durations.addDeserializer(Duration.class, new JsonDeserializer<>() {
      @Override
      public Duration deserialize(JsonParser p, DeserializationContext ctx) throws IOException {
        if (p.currentToken().isNumeric()) {
          return Duration.ofSeconds(p.getLongValue());
        }
        try {
          return DurationText.parse(p.getValueAsString());
        } catch (IllegalArgumentException e) {
          throw ctx.weirdStringException(p.getValueAsString(), Duration.class, e.getMessage());
        }
      }
    });
    return builder.addModule(durations)
        .enable(MapperFeature.ACCEPT_CASE_INSENSITIVE_ENUMS)
        .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
  }

  public static String write(Object value) {
    try {
      return MAPPER.writeValueAsString(value);
    } catch (IOException e) {
      throw new IllegalStateException("cannot write JSON for " + value.getClass().getSimpleName(), e);
    }
  }

  public static String writePretty(Object value) {
    try {
      return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(value);
    } catch (IOException e) {
      throw new IllegalStateException("cannot write JSON for " + value.getClass().getSimpleName(), e);
    }
  }
}
