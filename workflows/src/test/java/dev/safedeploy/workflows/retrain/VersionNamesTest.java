package dev.safedeploy.workflows.retrain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Set;
import org.junit.jupiter.api.Test;

class VersionNamesTest {

  @Test
  void countsOnATrailingCounter() {
    assertThat(VersionNames.next("v1")).isEqualTo("v2");
    assertThat(VersionNames.next("v9")).isEqualTo("v10");
    assertThat(VersionNames.next("v19")).isEqualTo("v20");
    assertThat(VersionNames.next("model-v3")).isEqualTo("model-v4");
    assertThat(VersionNames.next("7")).isEqualTo("8");
  }

  @Test
  void keepsZeroPaddingWhileItFits() {
    assertThat(VersionNames.next("v09")).isEqualTo("v10");
    assertThat(VersionNames.next("v007")).isEqualTo("v008");
    assertThat(VersionNames.next("v99")).isEqualTo("v100");
  }

  @Test
  void datesAndPlainNamesGetARetrainSuffix() {
    assertThat(VersionNames.next("2024-01")).isEqualTo("2024-01-r2");
    assertThat(VersionNames.next("2024-01-r2")).isEqualTo("2024-01-r3");
    assertThat(VersionNames.next("2024-01-r9")).isEqualTo("2024-01-r10");
    assertThat(VersionNames.next("baseline")).isEqualTo("baseline-r2");
    assertThat(VersionNames.next("release-5")).isEqualTo("release-5-r2");
  }

  @Test
  void skipsVersionsThatAlreadyHadARun() {
    assertThat(VersionNames.nextFree("v1", Set.of("v2", "v3"))).isEqualTo("v4");
    assertThat(VersionNames.nextFree("v1", Set.of())).isEqualTo("v2");
  }

  @Test
  void afterCountsOnTheHighestOfTheLiveVersionsFamily() {
    // v2 was rolled back, v1 is live: the next run is v3, numerically after v10 when v10 existed
    assertThat(VersionNames.after("v1", Set.of("v1", "v2"))).isEqualTo("v3");
    assertThat(VersionNames.after("v1", Set.of("v1", "v2", "v9", "v10"))).isEqualTo("v11");
    // another family (a hand-named experiment) does not move the counter of the live one
    assertThat(VersionNames.after("v2", Set.of("v1", "v2", "exp-r7"))).isEqualTo("v3");
    assertThat(VersionNames.after("2024-01", Set.of("2024-01", "2024-01-r2"))).isEqualTo("2024-01-r3");
    // nothing live: the highest known of any family
    assertThat(VersionNames.after(null, Set.of("v1", "v4"))).isEqualTo("v5");
    assertThatThrownBy(() -> VersionNames.after(null, Set.of())).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void refusesWhatCannotBeAVersion() {
    assertThatThrownBy(() -> VersionNames.next("V1")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'V1' is not a version label");
    assertThatThrownBy(() -> VersionNames.next(null)).isInstanceOf(IllegalArgumentException.class);
    // 20 characters is the limit; the suffix would make it 23
    assertThatThrownBy(() -> VersionNames.next("abcdefghij-klmnopqrs"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("longer than 20");
  }
}
