package dev.safedeploy.activities.local.activities;

import dev.safedeploy.platform.client.PlatformClientException;
import dev.safedeploy.workflows.activities.Failures;
import io.temporal.activity.Activity;
import io.temporal.failure.ApplicationFailure;
import java.net.URI;
import java.nio.file.Path;

/** What every local adapter shares: file URIs, heartbeats, and platform errors mapped to activity failures. */
final class Adapters {
  private Adapters() {}

  /** A {@code file:} URI (or plain path) as a path; anything else cannot be read locally. */
  static Path path(String uri, String what) {
    if (uri == null || uri.isBlank()) {
      throw ApplicationFailure.newNonRetryableFailure(what + " is required", Failures.BAD_DATA);
    }
    if (uri.startsWith("file:")) {
      return Path.of(URI.create(uri));
    }
    if (uri.contains("://")) {
      throw ApplicationFailure.newNonRetryableFailure(what + " '" + uri + "' is not a file: URI; the local backend"
          + " reads local files only", Failures.BAD_DATA);
    }
    return Path.of(uri);
  }

  static String uri(String path) {
    return path == null ? null : Path.of(path).toUri().toString();
  }

  static void heartbeat(Object details) {
    Activity.getExecutionContext().heartbeat(details);
  }

  static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw ApplicationFailure.newFailure("interrupted", "Interrupted");
    }
  }

  /**
   * A platform job that ended Failed: never retried; bad input data is BAD_DATA (the platform prefixes such reasons
   * with "BadData"), anything else JOB_FAILED.
   */
  static ApplicationFailure jobFailed(String kind, String name, String reason) {
    return ApplicationFailure.newNonRetryableFailure(kind + " job " + name + " failed: " + reason,
        reason != null && reason.startsWith("BadData") ? Failures.BAD_DATA : Failures.JOB_FAILED);
  }

  /**
   * Platform answers retrying cannot change become non-retryable failures; anything else (5xx, unreachable) is
   * rethrown as is, for Temporal to retry.
   */
  static RuntimeException failure(PlatformClientException e, String notFoundType) {
    String type = switch (e.type()) {
      case "NotFound" -> notFoundType;
      case "BadRequest" -> Failures.BAD_DATA;
      case "Conflict" -> Failures.STATE_MISMATCH;
      case "ModelLoadFailed" -> Failures.MODEL_LOAD_FAILED;
      case "CorruptState" -> Failures.INFRASTRUCTURE_FAILED;
      default -> null;
    };
    if (type == null) {
      return e;
    }
    return ApplicationFailure.newNonRetryableFailure(e.getMessage(), type);
  }
}
