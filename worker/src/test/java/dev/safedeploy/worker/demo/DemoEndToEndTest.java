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
 * model servers, the router under live traffic, the alarm evaluator signalling the workflow, and the rollback.
 */
class DemoEndToEndTest {

  @Test
  @Timeout(300)
  void goodVersionGoesLiveAndBrokenVersionIsRolledBackByItsAlarm(@TempDir Path home) throws Exception {
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    Demo.Report report = new Demo(new Demo.Options(home, 20_000, false, TemporalServers.Mode.AUTO, 0, 0,
        Duration.ofSeconds(30), Duration.ofSeconds(2), 100, false), new PrintStream(log, true, StandardCharsets.UTF_8)).run();
    String printed = log.toString(StandardCharsets.UTF_8);

    assertThat(report.runs()).hasSize(2);
    Demo.RunSummary v1 = report.runs().get(0);
    Demo.RunSummary v2 = report.runs().get(1);
    assertThat(v1.outcome()).as(printed).isEqualTo(Outcome.PROMOTED);
    assertThat(v1.validationRmse()).isLessThan(10.0);
    assertThat(v2.outcome()).as(printed).isEqualTo(Outcome.ROLLED_BACK);
    assertThat(v2.reason()).contains("alarm");
    assertThat(v2.alarmToBlueMillis()).isNotNull().isNotNegative();
    assertThat(report.liveVersion()).isEqualTo("v1");
    assertThat(report.asExpected()).isTrue();
    // The live traffic really reached the broken canary and failed there, and v1 kept answering.
    assertThat(report.traffic()).containsKey("v1 200");
    assertThat(report.traffic().keySet()).anyMatch(k -> k.startsWith("v2 5"));
    assertThat(printed).contains("stage AWAIT_APPROVAL").contains("100% back to blue v1");
    assertThat(Demo.toJson(report)).contains("\"liveVersion\":\"v1\"").contains("\"outcome\":\"ROLLED_BACK\"");
  }
}
