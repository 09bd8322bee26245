package dev.safedeploy.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.safedeploy.worker.PipelineWorker;
import dev.safedeploy.worker.demo.Demo;
import dev.safedeploy.bench.InstantBackend;
import dev.safedeploy.worker.config.WorkerConfig;
import dev.safedeploy.worker.temporal.RealTemporal;
import dev.safedeploy.worker.temporal.TemporalCli;
import dev.safedeploy.worker.temporal.TemporalDevServer;
import dev.safedeploy.worker.temporal.TemporalServers;
import dev.safedeploy.workflows.client.TemporalConnection;
import dev.safedeploy.workflows.json.JsonMapping;
import dev.safedeploy.workflows.pipeline.SearchAttributes;
import io.temporal.common.SearchAttributeKey;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Temporal Web UI, one of this project's three users, in a real browser: the demo runs on the real dev server, then
 * headless Chromium (driven by playwright-core) reads the workflow list filtered by {@code SafedeployModel}, and a
 * run's search attributes, summary and current details (stage, traffic split). Screenshots go to
 * {@code worker/target/webui}.
 */
class WebUiBrowserTest {

  @Test
  @Timeout(value = 10, unit = TimeUnit.MINUTES)
  void theDemosRunsAreFilterableAndReadableInTheWebUi(@TempDir Path dir) throws Exception {
    RealTemporal.cli();
    Path playwright = Path.of(System.getProperty(TemporalCli.TOOLS_PROPERTY, ".tools"), "node", "node_modules");
    requireTool(Files.isDirectory(playwright.resolve("playwright-core")), "playwright-core in " + playwright);
    requireTool(Files.isExecutable(Path.of("/usr/bin/chromium")), "chromium (/usr/bin/chromium)");

    try (TemporalDevServer server = RealTemporal.start(dir, dir.resolve("temporal.db"))) {
      // the demo, on this server (it reuses a server already listening on its port)
      Demo.Report report = new Demo(new Demo.Options(dir.resolve("demo"), 20_000, false, TemporalServers.Mode.CLI,
          server.port(), 0, Duration.ofSeconds(20), Duration.ofSeconds(2), 100, false, true),
          new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)).run();
      assertThat(report.asExpected()).as(report.toString()).isTrue();

      // a worker, so that the UI's metadata query (current details) of the closed runs is answered by replay
      try (TemporalConnection connection = WorkerConfig.fromEnv(Map.of()).withTemporalAddress(server.address())
              .connect(null);
          PipelineWorker worker = PipelineWorker.start(connection.client(), List.of(new InstantBackend()))) {
        String runId = connection.client().newUntypedWorkflowStub("deploy-nyctaxi-v2").describe().getExecution()
            .getRunId();
        Path out = Path.of("target", "webui").toAbsolutePath();
        Files.createDirectories(out);
        JsonNode page = browse(playwright, server.webUi().toString(), out, "deploy-nyctaxi-v2", runId,
            SearchAttributes.MODEL.getName() + " = \"nyctaxi\"");
        assertThat(page.path("error").isMissingNode()).as(page.toPrettyString()).isTrue();

        assertThat(page.path("list").asText()).contains("deploy-nyctaxi-v1", "deploy-nyctaxi-v2",
            "SafeDeploymentWorkflow");
        assertThat(page.path("searchAttributes").asText()).contains(
            attribute(SearchAttributes.MODEL, "nyctaxi"), attribute(SearchAttributes.VERSION, "v2"),
            attribute(SearchAttributes.STAGE, "DONE"), attribute(SearchAttributes.OUTCOME, "ROLLED_BACK"));
        assertThat(page.path("userMetadata").asText())
            .contains("Summary", "nyctaxi v2: CANARY 10% > 100%, requested by " + Demo.REQUESTER)
            .contains("Current Details").containsPattern("stage\\s+DONE")
            .contains("traffic: {v1=100}").contains("ROLLED_BACK");
        assertThat(out.resolve("workflow-list.png")).exists();
        assertThat(out.resolve("user-metadata.png")).exists();

        // the run the drift alarm started carries its cause: in the list's summary and in the run's metadata
        assertThat(report.retrain()).as(report.toString()).isNotNull();
        String v3 = report.retrain().retrainRun();
        Path retrainOut = Files.createDirectories(out.resolve("retrain"));
        JsonNode retrain = browse(playwright, server.webUi().toString(), retrainOut, v3,
            connection.client().newUntypedWorkflowStub(v3).describe().getExecution().getRunId(),
            "SafedeployModel = \"nyctaxi\" AND SafedeployVersion = \"v3\"");
        assertThat(retrain.path("error").isMissingNode()).as(retrain.toPrettyString()).isTrue();
        assertThat(retrain.path("list").asText()).contains(v3);
        assertThat(retrain.path("userMetadata").asText())
            .contains("retrain nyctaxi v3: drift alarm " + report.retrain().driftAlarm())
            .contains("Cause ALARM").contains("PROMOTED");
        assertThat(retrainOut.resolve("user-metadata.png")).exists();
      }
    }
  }

  /** As the Web UI's search attributes panel shows one. */
  private static String attribute(SearchAttributeKey<String> key, String value) {
    return "\"" + key.getName() + "\": \"" + value + "\"";
  }

  private static JsonNode browse(Path nodeModules, String ui, Path out, String workflowId, String runId,
      String query) throws Exception {
    Path script = Path.of("src", "test", "js", "webui-check.cjs").toAbsolutePath();
    ProcessBuilder pb = new ProcessBuilder("node", script.toString(), ui, out.toString(), workflowId, runId, query)
        .redirectErrorStream(false);
    pb.environment().put("NODE_PATH", nodeModules.toString());
    Process p = pb.start();
    String stdout = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String stderr = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(3, TimeUnit.MINUTES)).isTrue();
    assertThat(p.exitValue()).as(stderr).isZero();
    String[] lines = stdout.strip().split("\n");
    return JsonMapping.mapper().readTree(lines[lines.length - 1]);
  }

  private static void requireTool(boolean present, String what) {
    if (present) {
      return;
    }
    if ("1".equals(System.getenv("SAFEDEPLOY_REQUIRE_TOOLS"))) {
      Assertions.fail("missing " + what + "; run .ci/install-tools");
    }
    Assumptions.abort("browser test skipped: missing " + what + "; run .ci/install-tools");
  }
}
