package dev.safedeploy.platform.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class RoutingTableTest {
  static RoutingTable.Route route(String variant, int weight) {
    return new RoutingTable.Route(variant, null, weight);
  }

  @Test
  void aWeightOutside0To100IsRefusedSoTheTotalCannotWrapAround() {
    assertThatThrownBy(() -> RoutingTable.of("e", List.of(route("a", Integer.MAX_VALUE), route("b", 1)), null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("variant a of endpoint e has weight 2147483647, outside 0..100");
    assertThatThrownBy(() -> RoutingTable.of("e", List.of(route("a", 101)), null))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> RoutingTable.of("e", List.of(route("a", 100), route("b", -1)), null))
        .hasMessageContaining("variant b of endpoint e has weight -1");
  }

  @Test
  void drawsFollowTheWeights() {
    RoutingTable t = RoutingTable.of("e", List.of(route("a", 90), route("b", 0), route("c", 10)), null);
    assertThat(t.totalWeight()).isEqualTo(100);
    assertThat(t.pick(0).variant()).isEqualTo("a");
    assertThat(t.pick(89).variant()).isEqualTo("a");
    assertThat(t.pick(90).variant()).isEqualTo("c");
    assertThat(t.pick(99).variant()).isEqualTo("c");
    assertThat(RoutingTable.of("e", List.of(route("a", 0)), null).pick(0)).isNull();
  }
}
