package dev.safedeploy.activities.aws.s3;

import dev.safedeploy.workflows.activities.Failures;
import io.temporal.failure.ApplicationFailure;
import java.util.Locale;
import software.amazon.awssdk.services.s3.model.S3Exception;

/** S3's 403 means a missing grant (or a bucket/key policy refusing it): retrying cannot fix it. */
public final class S3Errors {

  private S3Errors() {}

  public static boolean isAccessDenied(S3Exception e) {
    return e.statusCode() == 403 || (e.awsErrorDetails() != null
        && "AccessDenied".equals(e.awsErrorDetails().errorCode()));
  }

  /** The non-retryable failure for a 403 on {@code action} over {@code uri}, naming the grant the role needs. */
  public static ApplicationFailure accessDenied(String what, String uri, String action, String grant) {
    return ApplicationFailure.newNonRetryableFailure("access denied " + what + " " + uri + ": the worker role needs "
        + action + " on it (" + grant + " of templates/worker-iam.yml)", Failures.INFRASTRUCTURE_FAILED);
  }

  /**
   * A SageMaker job's failure reason with a hint when it was S3 refusing the execution role (the job reads the data
   * and writes its output as that role, not as the worker).
   */
  public static String explainJobFailure(String reason) {
    if (reason == null) {
      return "no failure reason given";
    }
    String r = reason.toLowerCase(Locale.ROOT);
    if (r.contains("accessdenied") || r.contains("access denied") || r.contains("(403)") || r.contains("403 forbidden")) {
      return reason + " (S3 refused the SageMaker execution role: it needs s3:GetObject on the data, the DataPrefix "
          + "of templates/worker-iam.yml, and s3:PutObject under the ArtifactPrefix)";
    }
    return reason;
  }
}
