package dev.safedeploy.workflows.json;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.MapperBuilder;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

/**
 * How safedeploy writes and reads JSON outside Temporal's payloads (the platform's state files and control API, the
 * Lambdas' wire formats, notifications, reports, the CLI's output): java.time as ISO-8601 text, and unknown fields
 * ignored, so a newer writer does not break an older reader. Temporal's own data converter is left as the SDK
 * configures it: recorded histories depend on it.
 *
 * <p>The mapper is shared and must not be reconfigured; a caller that truly needs another setting derives its own
 * from {@link #configure} (or {@code mapper().rebuild()}) and says why.
 */
public final class JsonMapping {

  private static final JsonMapper MAPPER = configure(JsonMapper.builder()).build();

  private JsonMapping() {}

  public static JsonMapper mapper() {
    return MAPPER;
  }

  /** The shared settings on any mapper's builder (JSON, YAML). */
  public static <M extends ObjectMapper, B extends MapperBuilder<M, B>> B configure(B builder) {
    return builder.addModule(new JavaTimeModule())
        .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
        .disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS)
        .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
  }
}
