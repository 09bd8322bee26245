package dev.safedeploy.workflows.activities;

import io.temporal.failure.ApplicationFailure;

/** ApplicationFailure types adapters use for errors retrying cannot fix; the workflow maps them to outcomes. */
public final class Failures {

  /** Input data missing, unreadable or malformed (names the file and line). */
  public static final String BAD_DATA = "BadData";
  /** A training or processing job ended Failed/Stopped. */
  public static final String JOB_FAILED = "JobFailed";
  /** A model artifact that does not load, or a model server that does not come up. */
  public static final String MODEL_LOAD_FAILED = "ModelLoadFailed";
  /** A template or stack that is invalid, or a stack that rolled back. */
  public static final String INFRASTRUCTURE_FAILED = "InfrastructureFailed";
  /** The backend reports a state other than the one requested (e.g. SageMaker silently rolled an update back). */
  public static final String STATE_MISMATCH = "StateMismatch";
  /** Something the request names does not exist (endpoint, variant, model). */
  public static final String NOT_FOUND = "NotFound";

  private Failures() {}

  /** The message of a failure's root cause: what an adapter said, without the Temporal wrapping around it. */
  public static String rootMessage(Throwable t) {
    Throwable cause = t;
    while (cause.getCause() != null) {
      cause = cause.getCause();
    }
    if (cause instanceof ApplicationFailure af) {
      return af.getOriginalMessage();
    }
    return cause.getMessage();
  }
}
