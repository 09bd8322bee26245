package dev.safedeploy.starter.cli;

import dev.safedeploy.starter.report.JudgeReport;
import dev.safedeploy.starter.runs.RunService;
import dev.safedeploy.starter.runs.RunView;
import dev.safedeploy.workflows.client.TemporalConnection;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "report", description = "Write a run's canary evidence as one HTML page: each judged step's verdict, "
    + "every metric's test and p-value, and plots of blue's against green's distributions (latency, answers).")
public class ReportCommand extends ClientCommand {

  @Parameters(arity = "1..2", paramLabel = "RUN", description = RunRef.DESCRIPTION)
  List<String> run;

  @Option(names = {"-o", "--output"}, paramLabel = "FILE",
      description = "where to write it (default: report-<run>.html in the current directory; - for stdout)")
  String output;

  @Override
  protected int run(TemporalConnection conn, RunService runs) throws IOException {
    String workflowId = RunRef.workflowId(run);
    RunView view = runs.view(workflowId);
    String html = JudgeReport.html(view, Instant.now());
    if ("-".equals(output)) {
      out().print(html);
      return ExitCodes.OK;
    }
    Path file = Path.of(output != null ? output : "report-" + workflowId.replaceAll("[^A-Za-z0-9._-]", "_") + ".html");
    try {
      Files.writeString(file, html, StandardCharsets.UTF_8);
    } catch (IOException e) {
      err().println("safedeploy report: cannot write " + file + ": " + e.getMessage());
      return ExitCodes.BAD_ARGUMENTS;
    }
    int judged = view.status() == null ? 0 : view.status().judgements().size();
    out().printf("wrote %s (%d judgement%s)%n", file.toAbsolutePath(), judged, judged == 1 ? "" : "s");
    return ExitCodes.OK;
  }
}
