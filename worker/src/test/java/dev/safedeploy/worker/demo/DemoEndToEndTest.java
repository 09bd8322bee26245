package dev.safedeploy.worker.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.safedeploy.worker.temporal.TemporalServers;
import dev.safedeploy.workflows.pipeline.Outcome;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo scenario for real, on small data: the embedded Temporal server, the local platform, XGBoost training,
 * model servers, the router under live traffic, the alarm evaluator signalling the workflow, and the rollback; then
 * the retrain loop: drifted, labelled traffic, drift monitoring, the drift alarm starting the retrain workflow, and
 * v3 trained on the captured trips going through approval and canary into production.
 */
class DemoEndToEndTest {

  @Test
  @Timeout(480)
  void goodVersionGoesLiveAndBrokenVersionIsRolledBackByItsAlarm(@TempDir Path home) throws Exception {
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    Demo.Report report = new Demo(new Demo.Options(home, 20_000, false, TemporalServers.Mode.AUTO, 0, 0,
        Duration.ofSeconds(30), Duration.ofSeconds(2), 100, false), new PrintStream(log, true, StandardCharsets.UTF_8)).run();
    String printed = log.toString(StandardCharsets.UTF_8);

    assertThat(report.runs()).as(printed).hasSize(3);
    Demo.RunSummary v1 = report.runs().get(0);
    Demo.RunSummary v2 = report.runs().get(1);
    assertThat(v1.outcome()).as(printed).isEqualTo(Outcome.PROMOTED);
    assertThat(v1.validationRmse()).isLessThan(10.0);
    assertThat(v2.outcome()).as(printed).isEqualTo(Outcome.ROLLED_BACK);
    assertThat(v2.reason()).contains("alarm");
    assertThat(v2.alarmToBlueMillis()).isNotNull().isNotNegative();
    assertThat(report.asExpected()).as(printed).isTrue();
    // The live traffic really reached the broken canary and failed there, and v1 kept answering.
    assertThat(report.traffic()).containsKey("v1 200");
    assertThat(report.traffic().keySet()).anyMatch(k -> k.startsWith("v2 5"));
    assertThat(printed).contains("stage AWAIT_APPROVAL").contains("100% back to blue v1");

    // the loop: the drift alarm fired on drifted traffic, retrained v3 on the captured trips, and v3 is live
    Demo.RetrainLoop loop = report.retrain();
    assertThat(loop.driftAlarm()).as(printed).startsWith("nyctaxi-prod-drift-");
    assertThat(loop.driftValue()).isGreaterThan(0.20);
    assertThat(loop.version()).isEqualTo("v3");
    assertThat(loop.retrainRun()).isEqualTo("deploy-nyctaxi-v3");
    assertThat(loop.outcome()).as(printed).isEqualTo(Outcome.PROMOTED);
    assertThat(report.runs().get(2).outcome()).isEqualTo(Outcome.PROMOTED);
    assertThat(report.liveVersion()).isEqualTo("v3");
    assertThat(loop.labelled()).isPositive();
    assertThat(loop.trainingData()).contains("nyctaxi v1's data").containsPattern(" \\+ [1-9][0-9]* captured production rows");
    assertThat(loop.trafficToAlarmMillis()).isNotNull().isPositive();
    assertThat(loop.alarmToRunMillis()).isNotNull().isNotNegative();
    assertThat(loop.traffic()).containsKey("v1 200");
    assertThat(printed).contains("retrain started deploy-nyctaxi-v3 for drift alarm nyctaxi-prod-drift-");
    String json = Demo.toJson(report);
    assertThat(json).contains("\"liveVersion\":\"v3\"").contains("\"outcome\":\"ROLLED_BACK\"")
        .contains("\"retrain\":{").contains("\"driftToAlarmMillis\":").contains("\"loopMillis\":");
  }
}
