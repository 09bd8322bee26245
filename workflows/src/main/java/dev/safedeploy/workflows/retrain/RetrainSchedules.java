package dev.safedeploy.workflows.retrain;

import dev.safedeploy.workflows.pipeline.PipelineRequest;
import io.temporal.api.enums.v1.ScheduleOverlapPolicy;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.schedules.Schedule;
import io.temporal.client.schedules.ScheduleActionStartWorkflow;
import io.temporal.client.schedules.ScheduleAlreadyRunningException;
import io.temporal.client.schedules.ScheduleClient;
import io.temporal.client.schedules.ScheduleHandle;
import io.temporal.client.schedules.ScheduleOptions;
import io.temporal.client.schedules.SchedulePolicy;
import io.temporal.client.schedules.ScheduleSpec;
import io.temporal.client.schedules.ScheduleUpdate;
import java.time.Duration;
import java.util.List;

/**
 * The Temporal Schedule {@code retrain-schedule-<model>} that retrains a model on a calendar (the seed's monthly
 * rule): each action is a {@link RetrainScheduleWorkflow} that hands a SCHEDULE trigger to the model's entity.
 */
public final class RetrainSchedules {

  /** Monthly, at 02:00 UTC on the 1st. */
  public static final String MONTHLY = "0 2 1 * *";

  private RetrainSchedules() {}

  /** @param cron a cron expression ("minute hour day-of-month month day-of-week", UTC) */
  public static Schedule schedule(String model, String cron) {
    if (!PipelineRequest.isValidModelName(model)) {
      throw new IllegalArgumentException("'" + model + "' is not a model name");
    }
    if (cron == null || cron.isBlank()) {
      throw new IllegalArgumentException("a retrain schedule needs a cron expression, e.g. '" + MONTHLY + "'");
    }
    String id = RetrainScheduleWorkflow.scheduleId(model);
    return Schedule.newBuilder()
        .setAction(ScheduleActionStartWorkflow.newBuilder()
            .setWorkflowType(RetrainScheduleWorkflow.class)
            .setArguments(new RetrainScheduleWorkflow.Request(model, id))
            .setOptions(WorkflowOptions.newBuilder()
                .setWorkflowId(id)
                .setTaskQueue(RetrainWorkflow.TASK_QUEUE)
                .setWorkflowRunTimeout(Duration.ofMinutes(10))
                .build())
            .build())
        .setSpec(ScheduleSpec.newBuilder().setCronExpressions(List.of(cron)).build())
        // a fire missed while the server was down still counts for a day; overlapping fires add nothing
        .setPolicy(SchedulePolicy.newBuilder()
            .setOverlap(ScheduleOverlapPolicy.SCHEDULE_OVERLAP_POLICY_SKIP)
            .setCatchupWindow(Duration.ofDays(1))
            .build())
        .build();
  }

  /** Create-or-update by the deterministic id; returns the schedule's handle. */
  public static ScheduleHandle upsert(ScheduleClient client, String model, String cron) {
    Schedule schedule = schedule(model, cron);
    String id = RetrainScheduleWorkflow.scheduleId(model);
    try {
      return client.createSchedule(id, schedule, ScheduleOptions.newBuilder().build());
    } catch (ScheduleAlreadyRunningException e) {
      ScheduleHandle handle = client.getHandle(id);
      handle.update(input -> new ScheduleUpdate(schedule));
      return handle;
    }
  }
}
