package dev.safedeploy.platform.client;

/** The platform answered an error: HTTP status and the ApiError type (BadRequest, NotFound, Conflict, ...). */
public class PlatformClientException extends RuntimeException {
  private final int status;
  private final String type;

  public PlatformClientException(int status, String type, String message) {
    super(message);
    this.status = status;
    this.type = type;
  }

  public int status() {
    return status;
  }

  public String type() {
    return type;
  }

  public boolean notFound() {
    return status == 404;
  }
}
