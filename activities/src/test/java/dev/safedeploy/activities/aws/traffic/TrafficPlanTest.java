package dev.safedeploy.activities.aws.traffic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.safedeploy.workflows.activities.TrafficActivities.TrafficShift;
import io.temporal.failure.ApplicationFailure;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TrafficPlanTest {

  private static Map<String, Integer> split(String a, int wa, String b, int wb) {
    Map<String, Integer> m = new LinkedHashMap<>();
    m.put(a, wa);
    m.put(b, wb);
    return m;
  }

  @Test
  void theTargetIsTheVariantThatGains() {
    Map<String, Integer> live = split("v1", 100, "v2", 0);
    assertThat(TrafficPlan.of(new TrafficShift("e", split("v1", 90, "v2", 10), "canary"), live))
        .isEqualTo(new TrafficPlan("v2", 10, "v1"));
    assertThat(TrafficPlan.of(new TrafficShift("e", split("v1", 0, "v2", 100), "promote"),
        split("v1", 90, "v2", 10))).isEqualTo(new TrafficPlan("v2", 100, "v1"));
    assertThat(TrafficPlan.of(new TrafficShift("e", split("v1", 100, "v2", 0), "rollback"),
        split("v1", 90, "v2", 10))).isEqualTo(new TrafficPlan("v1", 100, "v2"));
    // nothing changes: the variant with the most traffic
    assertThat(TrafficPlan.of(new TrafficShift("e", live, "again"), live).target()).isEqualTo("v1");
  }

  @Test
  void badSplitsAreRefused() {
    ApplicationFailure negative = catchThrowableOfType(ApplicationFailure.class,
        () -> TrafficPlan.validate(new TrafficShift("e", split("v1", 110, "v2", -10), "x")));
    assertThat(negative.getOriginalMessage()).contains("weight of v1 must be in [0, 100]");
    ApplicationFailure empty = catchThrowableOfType(ApplicationFailure.class,
        () -> TrafficPlan.validate(new TrafficShift("e", Map.of(), "x")));
    assertThat(empty.getOriginalMessage()).contains("names no variants");
  }
}
