package dev.safedeploy.starter.runs;

/** Why an operation on a run did not happen: the run does not exist, or the workflow refused. */
public class RunFailure extends RuntimeException {

  /** NO_WORKER: nothing answered a request that needs a worker (the decide update). */
  public enum Kind { UNKNOWN_RUN, REFUSED, NO_WORKER }

  private final Kind kind;

  public RunFailure(Kind kind, String message) {
    super(message);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }

  static RunFailure unknown(String workflowId, String namespace) {
    return new RunFailure(Kind.UNKNOWN_RUN, "no run " + workflowId + " in namespace " + namespace);
  }
}
