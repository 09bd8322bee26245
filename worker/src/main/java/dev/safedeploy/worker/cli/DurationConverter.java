package dev.safedeploy.worker.cli;

import dev.safedeploy.workflows.pipeline.DurationText;
import java.time.Duration;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** picocli's side of {@link DurationText}: 500ms, 30s, 5m, 2h, 7d, 1h30m, or ISO-8601 (PT5M). */
public final class DurationConverter implements ITypeConverter<Duration> {
  @Override
  public Duration convert(String value) {
    try {
      return DurationText.parse(value);
    } catch (IllegalArgumentException e) {
      throw new TypeConversionException(e.getMessage());
    }
  }
}
