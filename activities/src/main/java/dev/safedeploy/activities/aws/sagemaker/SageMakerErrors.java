package dev.safedeploy.activities.aws.sagemaker;

import java.util.Locale;
import software.amazon.awssdk.services.sagemaker.model.ResourceNotFoundException;
import software.amazon.awssdk.services.sagemaker.model.SageMakerException;

/** SageMaker reports "no such thing" inconsistently: ResourceNotFound for some calls, ValidationException elsewhere. */
public final class SageMakerErrors {

  private SageMakerErrors() {}

  public static boolean isNotFound(SageMakerException e) {
    if (e instanceof ResourceNotFoundException) {
      return true;
    }
    String msg = e.awsErrorDetails() == null ? e.getMessage() : e.awsErrorDetails().errorMessage();
    String m = msg == null ? "" : msg.toLowerCase(Locale.ROOT);
    return e.statusCode() == 400 && (m.contains("could not find") || m.contains("not found")
        || m.contains("does not exist"));
  }

  public static boolean isAlreadyExists(SageMakerException e) {
    String msg = e.awsErrorDetails() == null ? e.getMessage() : e.awsErrorDetails().errorMessage();
    String m = msg == null ? "" : msg.toLowerCase(Locale.ROOT);
    return e instanceof software.amazon.awssdk.services.sagemaker.model.ResourceInUseException
        || m.contains("already exist");
  }

  /** Tag values allow letters, digits, spaces and {@code _.:/=+-@}; anything else becomes '_'. */
  public static String tagValue(String raw) {
    if (raw == null) {
      return "";
    }
    String v = raw.replaceAll("[^\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]", "_");
    return v.length() > 256 ? v.substring(0, 256) : v;
  }
}
