package dev.safedeploy.platform.control;

/** A control-API error: HTTP status plus the {@code ApiError} type the client maps to an activity failure. */
public class PlatformException extends RuntimeException {
  public static final String BAD_REQUEST = "BadRequest";
  public static final String NOT_FOUND = "NotFound";
  public static final String CONFLICT = "Conflict";
  public static final String CORRUPT_STATE = "CorruptState";
  public static final String MODEL_LOAD_FAILED = "ModelLoadFailed";
  public static final String INTERNAL = "Internal";

  private final int status;
  private final String type;

  public PlatformException(int status, String type, String message) {
    super(message);
    this.status = status;
    this.type = type;
  }

  public static PlatformException badRequest(String message) {
    return new PlatformException(400, BAD_REQUEST, message);
  }

  public static PlatformException notFound(String message) {
    return new PlatformException(404, NOT_FOUND, message);
  }

  public static PlatformException conflict(String message) {
    return new PlatformException(409, CONFLICT, message);
  }

  /** A required request field, refused as a 400 when missing or blank. */
  static void require(String value, String field) {
    if (value == null || value.isBlank()) {
      throw badRequest(field + " is required");
    }
  }

  public int status() {
    return status;
  }

  public String type() {
    return type;
  }
}
