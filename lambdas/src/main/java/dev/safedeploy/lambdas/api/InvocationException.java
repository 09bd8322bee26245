package dev.safedeploy.lambdas.api;

/** A failed endpoint invocation, classified by who is at fault and what the API should answer. */
public class InvocationException extends RuntimeException {

  /** The classes of failure, each with the HTTP status the API answers and a stable machine-readable code. */
  public enum Kind {
    /** The endpoint rejected the request (wrong shape, too large). */
    BAD_REQUEST(400, "bad_request"),
    /** The model container answered with an error; 424 is what SageMaker itself uses for it. */
    MODEL_ERROR(424, "model_error"),
    THROTTLED(429, "throttled"),
    /** An upstream AWS failure or a misconfiguration behind the API (permissions). */
    UPSTREAM_FAILURE(502, "upstream_failure"),
    /** The endpoint does not exist (yet, or any more): the API is up but has nothing to serve from. */
    ENDPOINT_NOT_FOUND(503, "endpoint_not_found"),
    /** The endpoint exists but cannot serve now (model not ready, service unavailable). */
    UNAVAILABLE(503, "endpoint_unavailable"),
    TIMEOUT(504, "timeout");

    private final int status;
    private final String code;

    Kind(int status, String code) {
      this.status = status;
      this.code = code;
    }

    public int status() {
      return status;
    }

    public String code() {
      return code;
    }
  }

  private final Kind kind;

  public InvocationException(Kind kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = kind;
  }

  public InvocationException(Kind kind, String message) {
    this(kind, message, null);
  }

  public Kind kind() {
    return kind;
  }

  /**
   * What the API caller is told. Failures the caller caused or can act on (bad input, model error, throttling) keep
   * their detail; the server-side ones get a fixed text, because AWS's messages name accounts, roles and ARNs. The
   * full message goes to the function's log under the same request id.
   */
  public String publicMessage(String endpointName) {
    return switch (kind) {
      case BAD_REQUEST, MODEL_ERROR, THROTTLED -> getMessage();
      case ENDPOINT_NOT_FOUND -> "endpoint " + endpointName + " does not exist";
      case UNAVAILABLE -> "endpoint " + endpointName + " cannot serve right now; retry later";
      case TIMEOUT -> "endpoint " + endpointName + " did not answer in time";
      case UPSTREAM_FAILURE ->
          "invoking endpoint " + endpointName + " failed; see the function's log for the request id";
    };
  }
}
