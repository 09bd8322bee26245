package dev.safedeploy.workflows.retrain;

import static org.assertj.core.api.Assertions.assertThat;

import dev.safedeploy.workflows.pipeline.AlarmSignal;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class RetrainTriggerTest {

  @Test
  void readsTheValueFromTheLocalEvaluatorsReason() {
    RetrainTrigger t = RetrainTrigger.alarm(new AlarmSignal("nyctaxi-prod-feature-drift", "ALARM",
        "Threshold Crossed: 2 out of the last 3 datapoints breached feature_baseline_drift_total_amount Maximum > 0.2"
            + " (most recent 0.4412)", Instant.EPOCH));
    assertThat(t.value()).isEqualTo(0.4412);
    assertThat(t.at()).isEqualTo(Instant.EPOCH);
    assertThat(t.describe()).isEqualTo("drift alarm nyctaxi-prod-feature-drift at 0.4412");
    assertThat(t.requestedBy()).isEqualTo("alarm:nyctaxi-prod-feature-drift");
    assertThat(t.problem()).isNull();
  }

  @Test
  void readsTheValueFromCloudWatchsReason() {
    RetrainTrigger t = RetrainTrigger.alarm(new AlarmSignal("nyctaxi-prod-feature-drift", "ALARM",
        "Threshold Crossed: 1 out of the last 1 datapoints [0.437123 (10/08/26 12:00:00)] was greater than the "
            + "threshold (0.2) (minimum 1 datapoint for OK -> ALARM transition).", Instant.EPOCH));
    assertThat(t.value()).isEqualTo(0.437123);
    assertThat(t.describe()).isEqualTo("drift alarm nyctaxi-prod-feature-drift at 0.4371");
  }

  @Test
  void noValueWhenTheReasonNamesNone() {
    RetrainTrigger t = RetrainTrigger.alarm(new AlarmSignal("a", "ALARM", "set by hand", null));
    assertThat(t.value()).isNull();
    assertThat(t.describe()).isEqualTo("drift alarm a");
    assertThat(RetrainTrigger.alarm(new AlarmSignal("a", "ALARM", null, null)).value()).isNull();
  }

  @Test
  void scheduleAndManual() {
    RetrainTrigger s = RetrainTrigger.schedule("retrain-schedule-nyctaxi", null);
    assertThat(s.describe()).isEqualTo("schedule retrain-schedule-nyctaxi");
    assertThat(s.requestedBy()).isEqualTo("schedule:retrain-schedule-nyctaxi");
    RetrainTrigger m = RetrainTrigger.manual("alice", "new data", null);
    assertThat(m.describe()).isEqualTo("manual retrain by alice: new data");
    assertThat(m.requestedBy()).isEqualTo("alice");
    assertThat(RetrainTrigger.manual("alice", " ", null).describe()).isEqualTo("manual retrain by alice");
  }

  @Test
  void malformedTriggersSayWhatIsMissing() {
    assertThat(new RetrainTrigger(null, null, null, null, null, null, null).problem()).contains("without kind");
    assertThat(new RetrainTrigger(RetrainTrigger.Kind.ALARM, " ", null, null, null, null, null).problem())
        .isEqualTo("ALARM trigger without alarmName");
    assertThat(new RetrainTrigger(RetrainTrigger.Kind.SCHEDULE, null, null, null, null, null, null).problem())
        .isEqualTo("SCHEDULE trigger without scheduleId");
    assertThat(RetrainTrigger.manual(null, "x", null).problem()).isEqualTo("MANUAL trigger without who asked (by)");
  }
}
