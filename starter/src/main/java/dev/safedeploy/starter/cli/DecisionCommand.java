package dev.safedeploy.starter.cli;

import dev.safedeploy.workflows.client.TemporalConnection;
import dev.safedeploy.starter.runs.RunService;
import dev.safedeploy.workflows.pipeline.ApprovalDecision;
import dev.safedeploy.workflows.pipeline.ApprovalRecord;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** approve / reject through the validated {@code decide} update; a refusal exits 5 with the validator's reason. */
public abstract class DecisionCommand extends ClientCommand {

  @Parameters(arity = "1..2", paramLabel = "RUN", description = RunRef.DESCRIPTION)
  List<String> run;

  @Option(names = "--as", paramLabel = "APPROVER", description = "who decides (default $USER)")
  String approver;

  @Option(names = {"-c", "--comment"}, paramLabel = "TEXT", description = "why; kept in the audit trail")
  String comment;

  @Option(names = "--json", description = "print the accepted decision as JSON")
  boolean json;

  abstract boolean approve();

  boolean overrideAlarms() {
    return false;
  }

  @Override
  protected int run(TemporalConnection conn, RunService runs) {
    String id = RunRef.workflowId(run);
    String who = approver != null ? approver : currentUser();
    ApprovalDecision decision = new ApprovalDecision(approve(), who, comment, "cli", overrideAlarms());
    ApprovalRecord record = runs.decide(id, decision);
    if (json) {
      out().println(Json.write(record));
    } else {
      out().println(id + ": " + Render.approval(record));
    }
    return ExitCodes.OK;
  }

  @Command(name = "approve", description = "Approve a run waiting for approval (validated: stage, approver list, "
      + "four-eyes, no alarm in ALARM).")
  public static class Approve extends DecisionCommand {
    @Option(names = "--override-alarms", description = "approve although alarms are in ALARM now (those "
        + "transitions then do not stop the canary; a new one still does)")
    boolean overrideAlarms;

    @Override
    boolean approve() {
      return true;
    }

    @Override
    boolean overrideAlarms() {
      return overrideAlarms;
    }
  }

  @Command(name = "reject", description = "Reject a run waiting for approval; its dev endpoint is torn down.")
  public static class Reject extends DecisionCommand {
    @Override
    boolean approve() {
      return false;
    }
  }
}
