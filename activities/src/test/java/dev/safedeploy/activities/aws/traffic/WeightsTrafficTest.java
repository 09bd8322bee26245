package dev.safedeploy.activities.aws.traffic;

import static org.assertj.core.api.Assertions.assertThat;

import dev.safedeploy.activities.aws.ActivityTesting;
import dev.safedeploy.activities.aws.MotoFixtures;
import dev.safedeploy.activities.aws.MotoServer;
import dev.safedeploy.activities.aws.MotoServerExtension;
import dev.safedeploy.workflows.activities.Failures;
import dev.safedeploy.workflows.activities.TrafficActivities;
import dev.safedeploy.workflows.activities.TrafficActivities.TrafficShift;
import dev.safedeploy.workflows.activities.TrafficActivities.TrafficState;
import io.temporal.failure.ApplicationFailure;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** moto: UpdateEndpointWeightsAndCapacities and DescribeEndpoint are real (the default traffic mode). */
@ExtendWith(MotoServerExtension.class)
class WeightsTrafficTest {

  @Test
  void shiftsAndReadsTheWeightsBack(MotoServer moto) {
    var sm = moto.clients().sageMaker();
    MotoFixtures.endpoint(sm, "taxi-prod", "v1", 1f, "v2", 0f);
    try (ActivityTesting t = new ActivityTesting(new AwsTrafficActivitiesImpl(moto.clients(), moto.config()))) {
      TrafficActivities traffic = t.stub(TrafficActivities.class);
      TrafficState canary = traffic.shiftTraffic(new TrafficShift("taxi-prod", Map.of("v1", 90, "v2", 10), "canary"));
      assertThat(canary.weights()).isEqualTo(Map.of("v1", 90, "v2", 10));
      assertThat(canary.confirmedAt()).isNotNull();
      assertThat(sm.describeEndpoint(b -> b.endpointName("taxi-prod")).productionVariants())
          .extracting(v -> v.variantName() + "=" + v.currentWeight()).containsExactly("v1=90.0", "v2=10.0");

      // a variant left out of the shift gets nothing
      assertThat(traffic.shiftTraffic(new TrafficShift("taxi-prod", Map.of("v2", 100), "promote")).weights())
          .isEqualTo(Map.of("v1", 0, "v2", 100));
      // the same split again is a no-op that still confirms
      assertThat(traffic.shiftTraffic(new TrafficShift("taxi-prod", Map.of("v1", 0, "v2", 100), "again")).weights())
          .isEqualTo(Map.of("v1", 0, "v2", 100));
      // rollback: everything back to blue at once
      assertThat(traffic.shiftTraffic(new TrafficShift("taxi-prod", Map.of("v1", 100, "v2", 0), "rollback"))
          .weights()).isEqualTo(Map.of("v1", 100, "v2", 0));
    }
  }

  @Test
  void unknownVariantOrEndpointOrBadSplitIsRefused(MotoServer moto) {
    MotoFixtures.endpoint(moto.clients().sageMaker(), "taxi-prod", "v1", 1f, null, 0f);
    try (ActivityTesting t = new ActivityTesting(new AwsTrafficActivitiesImpl(moto.clients(), moto.config()))) {
      TrafficActivities traffic = t.stub(TrafficActivities.class);
      ApplicationFailure unknown = ActivityTesting.failure(() -> traffic.shiftTraffic(
          new TrafficShift("taxi-prod", Map.of("v1", 50, "v9", 50), "x")));
      assertThat(unknown.getType()).isEqualTo(Failures.NOT_FOUND);
      assertThat(unknown.getOriginalMessage()).contains("no variant v9");
      ApplicationFailure missing = ActivityTesting.failure(() -> traffic.shiftTraffic(
          new TrafficShift("nope-prod", Map.of("v1", 100), "x")));
      assertThat(missing.getType()).isEqualTo(Failures.NOT_FOUND);
      ApplicationFailure sum = ActivityTesting.failure(() -> traffic.shiftTraffic(
          new TrafficShift("taxi-prod", Map.of("v1", 60), "x")));
      assertThat(sum.getOriginalMessage()).contains("add up to 100");
    }
  }
}
