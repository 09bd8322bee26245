package dev.safedeploy.platform.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class PayloadsTest {
  private static float[][] csv(String text) {
    return Payloads.parse(Payloads.CSV, text.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void csvRowsEndWithLfOrCrLfAndBlankLinesAreSkipped() {
    assertThat(csv("1,2,3")).isDeepEqualTo(new float[][] {{1, 2, 3}});
    assertThat(csv("1,2,3\r\n4, 5 ,6\n\n \r\n7,8,9\n")).isDeepEqualTo(new float[][] {{1, 2, 3}, {4, 5, 6}, {7, 8, 9}});
    assertThat(csv("1,,3\r")[0][1]).isNaN();
  }

  @Test
  void aBadCellIsNamedByItsLineAndColumnCountingBlankLines() {
    assertThatThrownBy(() -> csv("1,2,3\r\n\r\n4,x,6")).isInstanceOf(BadPayloadException.class)
        .hasMessage("line 3, column 2: 'x' is not a number");
    assertThatThrownBy(() -> csv("\n \r\n")).isInstanceOf(BadPayloadException.class)
        .hasMessageContaining("no rows");
  }
}
