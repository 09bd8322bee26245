package dev.safedeploy.starter.cli;

import dev.safedeploy.workflows.client.TemporalConnection;
import dev.safedeploy.starter.runs.AuditTrail;
import dev.safedeploy.starter.runs.RunService;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "history", description = "The audit trail of a run from its Temporal history: who requested it, "
    + "stage changes, approvals and refusals, alarms, rollback reasons, the outcome.")
public class HistoryCommand extends ClientCommand {

  @Parameters(arity = "1..2", paramLabel = "RUN", description = RunRef.DESCRIPTION)
  List<String> run;

  @Option(names = "--json", description = "print JSON: {workflowId, runId, executionStatus, entries: [...]}")
  boolean json;

  @Override
  protected int run(TemporalConnection conn, RunService runs) {
    AuditTrail trail = runs.history(RunRef.workflowId(run));
    if (json) {
      out().println(Json.write(trail));
    } else {
      Render.history(out(), trail);
    }
    return ExitCodes.OK;
  }
}
