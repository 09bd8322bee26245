package dev.safedeploy.starter.cli;

import dev.safedeploy.workflows.client.TemporalConnection;
import dev.safedeploy.starter.runs.RunService;
import dev.safedeploy.starter.runs.RunView;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "status", description = "Show a run: stage table with start/end/duration, traffic split, alarms, "
    + "approval, outcome.")
public class StatusCommand extends ClientCommand {

  @Parameters(arity = "1..2", paramLabel = "RUN", description = RunRef.DESCRIPTION)
  List<String> run;

  @Option(names = "--json", description = "print JSON: {workflowId, runId, executionStatus, ..., status: {...}}")
  boolean json;

  @Override
  protected int run(TemporalConnection conn, RunService runs) {
    RunView view = runs.view(RunRef.workflowId(run));
    if (json) {
      out().println(Json.write(view));
    } else {
      Render.status(out(), view);
    }
    return ExitCodes.OK;
  }
}
