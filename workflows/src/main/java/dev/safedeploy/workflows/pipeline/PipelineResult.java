package dev.safedeploy.workflows.pipeline;

import java.util.List;
import java.util.Map;

/**
 * How a run ended.
 *
 * @param liveVersion the version serving production when the run ended (null when nothing serves)
 * @param alarmToBlueMillis on an alarm rollback: from the alarm's transition to ALARM until the backend confirmed 100%
 *     on blue (both on the backend's clock); null otherwise
 */
public record PipelineResult(
    String workflowId,
    String model,
    String version,
    Outcome outcome,
    String reason,
    Double validationRmse,
    Double liveRmse,
    String liveVersion,
    Map<String, Integer> traffic,
    Long alarmToBlueMillis,
    ApprovalRecord approval,
    List<StageRecord> stages) {}
