package dev.safedeploy.workflows.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DurationTextTest {

  @Test
  void durationsParseAsPeopleWriteThem() {
    assertThat(DurationText.parse("30s")).isEqualTo(Duration.ofSeconds(30));
    assertThat(DurationText.parse("1h30m")).isEqualTo(Duration.ofMinutes(90));
    assertThat(DurationText.parse("7d")).isEqualTo(Duration.ofDays(7));
    assertThat(DurationText.parse("PT5M")).isEqualTo(Duration.ofMinutes(5));
    assertThat(DurationText.parse("500ms")).isEqualTo(Duration.ofMillis(500));
  }

  @Test
  void garbageIsNamed() {
    assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> DurationText.parse("5 minutes")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'5 minutes' is not a duration");
    assertThatThrownBy(() -> DurationText.parse("PTx")).hasMessageContaining("not an ISO-8601 duration");
  }

  @Test
  void formatsCompactly() {
    assertThat(DurationText.format(Duration.ofSeconds(93_784))).isEqualTo("1d2h3m4s");
    assertThat(DurationText.format(Duration.ZERO)).isEqualTo("0s");
    assertThat(DurationText.format(null)).isEqualTo("-");
  }
}
