package dev.safedeploy.workflows.pipeline;

/**
 * Ends the pipeline early with an outcome: thrown by any stage, caught by the workflow, which compensates and
 * finishes with it.
 */
public final class Abort extends RuntimeException {

  private final Outcome outcome;

  public Abort(Outcome outcome, String reason) {
    super(reason, null, false, false);
    this.outcome = outcome;
  }

  public Outcome outcome() {
    return outcome;
  }
}
