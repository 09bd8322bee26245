package dev.safedeploy.workflows.retrain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.temporal.api.enums.v1.ScheduleOverlapPolicy;
import io.temporal.client.schedules.Schedule;
import io.temporal.client.schedules.ScheduleActionStartWorkflow;
import io.temporal.common.converter.DefaultDataConverter;
import org.junit.jupiter.api.Test;

class RetrainSchedulesTest {

  @Test
  void startsTheScheduleWorkflowForTheModel() {
    Schedule s = RetrainSchedules.schedule("nyctaxi", RetrainSchedules.MONTHLY);
    ScheduleActionStartWorkflow action = (ScheduleActionStartWorkflow) s.getAction();
    assertThat(action.getWorkflowType()).isEqualTo("RetrainScheduleWorkflow");
    assertThat(action.getOptions().getWorkflowId()).isEqualTo("retrain-schedule-nyctaxi");
    assertThat(action.getOptions().getTaskQueue()).isEqualTo(RetrainWorkflow.TASK_QUEUE);
    action.getArguments().setDataConverter(DefaultDataConverter.STANDARD_INSTANCE);
    assertThat(action.getArguments().get(0, RetrainScheduleWorkflow.Request.class))
        .isEqualTo(new RetrainScheduleWorkflow.Request("nyctaxi", "retrain-schedule-nyctaxi"));
    assertThat(s.getSpec().getCronExpressions()).containsExactly("0 2 1 * *");
    assertThat(s.getPolicy().getOverlap()).isEqualTo(ScheduleOverlapPolicy.SCHEDULE_OVERLAP_POLICY_SKIP);
  }

  @Test
  void refusesBadInput() {
    assertThatThrownBy(() -> RetrainSchedules.schedule("Bad Model", RetrainSchedules.MONTHLY))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a model name");
    assertThatThrownBy(() -> RetrainSchedules.schedule("nyctaxi", " "))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cron expression");
  }
}
