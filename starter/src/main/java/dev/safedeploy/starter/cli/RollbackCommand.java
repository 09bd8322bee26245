package dev.safedeploy.starter.cli;

import dev.safedeploy.workflows.client.TemporalConnection;
import dev.safedeploy.starter.runs.RunService;
import dev.safedeploy.workflows.pipeline.RollbackRequest;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "rollback",
    description = "Roll a run back: traffic 100%% to the previous version at once, the new one torn down. Works at any "
        + "stage and during the watch window after promotion.")
public class RollbackCommand extends ClientCommand {

  @Parameters(arity = "1..2", paramLabel = "RUN", description = RunRef.DESCRIPTION)
  List<String> run;

  @Option(names = "--reason", required = true, paramLabel = "TEXT", description = "why; kept in the audit trail")
  String reason;

  @Option(names = "--as", paramLabel = "OPERATOR", description = "who asks (default $USER)")
  String operator;

  @Override
  protected int run(TemporalConnection conn, RunService runs) {
    String id = RunRef.workflowId(run);
    runs.rollback(id, new RollbackRequest(operator != null ? operator : currentUser(), reason));
    out().println(id + ": rollback requested (" + reason + "); follow it with `safedeploy watch " + id + "`");
    return ExitCodes.OK;
  }
}
