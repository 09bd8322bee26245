package dev.safedeploy.activities.local.activities;

import static org.assertj.core.api.Assertions.assertThat;

import dev.safedeploy.platform.api.AlarmDefinition;
import dev.safedeploy.workflows.activities.AlarmActivities.AlarmWatch;
import java.util.List;
import org.junit.jupiter.api.Test;

class ErrorAlarmDefinitionTest {

  @Test
  void withoutARateAny5xxAlarms() {
    AlarmDefinition d = LocalAlarmActivitiesImpl.errorAlarmDefinition(
        new AlarmWatch("wf", "taxi", "v2", "taxi-prod", "v2", List.of()), 60);
    assertThat(d.statistic()).isEqualTo("Sum");
    assertThat(d.threshold()).isEqualTo(1);
    assertThat(d.minimumSampleCount()).isZero();
  }

  @Test
  void withARateTheAverageOverAMinimumSampleCountAlarms() {
    AlarmDefinition d = LocalAlarmActivitiesImpl.errorAlarmDefinition(
        new AlarmWatch("wf", "taxi", "v2", "taxi-prod", "v2", List.of(), 0.05, 50), 60);
    assertThat(d.name()).isEqualTo("taxi-prod-v2-5xx");
    assertThat(d.metricName()).isEqualTo("Invocation5XXErrors");
    assertThat(d.statistic()).isEqualTo("Average");
    assertThat(d.threshold()).isEqualTo(0.05);
    assertThat(d.minimumSampleCount()).isEqualTo(50);
    assertThat(d.comparisonOperator()).isEqualTo("GreaterThanOrEqualToThreshold");
  }
}
