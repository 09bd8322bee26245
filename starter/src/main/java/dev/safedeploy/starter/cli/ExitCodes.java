package dev.safedeploy.starter.cli;

import dev.safedeploy.workflows.pipeline.Outcome;

/** The exit codes scripts can rely on; documented in {@code safedeploy --help} and CLI.md. */
public final class ExitCodes {

  /** Success; for watch: the run was PROMOTED. */
  public static final int OK = 0;
  /** The run ended otherwise: REJECTED, APPROVAL_TIMED_OUT, FAILED_QUALITY_GATE, ROLLED_BACK, FAILED, terminated. */
  public static final int RUN_NOT_PROMOTED = 1;
  /** Bad arguments, an invalid request or policy, or a run that already exists. */
  public static final int BAD_ARGUMENTS = 2;
  /** No run with that id. */
  public static final int UNKNOWN_RUN = 3;
  /** The Temporal server cannot be reached. */
  public static final int UNREACHABLE = 4;
  /** The workflow refused the request (approve/reject validator, run already ended). */
  public static final int REFUSED = 5;

  public static final String HELP = "Exit codes:%n"
      + "  0  ok (watch: the run was PROMOTED)%n"
      + "  1  the run ended otherwise (REJECTED, ROLLED_BACK, APPROVAL_TIMED_OUT, FAILED_QUALITY_GATE, FAILED),%n"
      + "     or no worker answered an approve/reject in time%n"
      + "  2  bad arguments, invalid request or policy, run already exists%n"
      + "  3  unknown run%n"
      + "  4  Temporal server unreachable%n"
      + "  5  refused by the workflow (approver not allowed, wrong stage, self-approval, run already ended)";

  private ExitCodes() {}

  public static int forOutcome(Outcome outcome) {
    return outcome == Outcome.PROMOTED ? OK : RUN_NOT_PROMOTED;
  }
}
