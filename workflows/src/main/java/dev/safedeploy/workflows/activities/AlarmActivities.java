package dev.safedeploy.workflows.activities;

import dev.safedeploy.workflows.pipeline.AlarmSignal;
import io.temporal.activity.ActivityInterface;
import java.util.List;

/**
 * The canary's alarms, watched two ways: pushed (the backend signals {@code alarm} to the workflow watching them) and
 * pulled ({@link #pollAlarms}).
 */
@ActivityInterface
public interface AlarmActivities {

  /**
   * @param alarmNames the policy's alarm names; empty means the backend's default alarms for this endpoint and variant
   * @param errorRateThreshold the policy's 5xx rate for the default error alarm; null: any 5xx alarms
   * @param errorRateMinSamples the fewest invocations in a period for the rate to count
   */
  record AlarmWatch(String workflowId, String model, String version, String endpointName, String greenVariant,
      List<String> alarmNames, Double errorRateThreshold, Integer errorRateMinSamples) {

    public AlarmWatch(String workflowId, String model, String version, String endpointName, String greenVariant,
        List<String> alarmNames) {
      this(workflowId, model, version, endpointName, greenVariant, alarmNames, null, null);
    }
  }

  /**
   * Makes sure the alarms exist for the green variant and routes their state changes to this workflow. Idempotent.
   * Returns the alarm names in effect.
   */
  List<String> watchAlarms(AlarmWatch watch);

  /**
   * The names among {@code alarmNames} that do not exist on the backend (checked before anything is trained: a
   * misspelt alarm would otherwise never fire and the canary would bake blind).
   */
  List<String> missingAlarms(List<String> alarmNames);

  /** The named alarms currently in ALARM (empty when all are OK or lack data). */
  List<AlarmSignal> pollAlarms(List<String> alarmNames);

  /** Stops routing the alarms to the workflow. Idempotent. */
  void unwatchAlarms(AlarmWatch watch);

  /**
   * Deletes the alarms {@link #watchAlarms} created for the watch's variant (the backend's defaults; alarms the policy
   * names are the user's and stay), when that version leaves production (retired or rolled back). Idempotent.
   */
  void deleteCanaryAlarms(AlarmWatch watch);
}
