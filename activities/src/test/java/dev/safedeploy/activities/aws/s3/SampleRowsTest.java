package dev.safedeploy.activities.aws.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.safedeploy.activities.aws.RecordedHttpClient;
import dev.safedeploy.workflows.activities.Failures;
import io.temporal.failure.ApplicationFailure;
import org.junit.jupiter.api.Test;

/** moto does not enforce IAM, so S3's 403 is a recorded answer. */
class SampleRowsTest {

  @Test
  void accessDeniedIsAClearNonRetryableError() {
    RecordedHttpClient http = new RecordedHttpClient().on("GET /bucket/data/test.csv", 403, """
        <?xml version="1.0" encoding="UTF-8"?>
        <Error><Code>AccessDenied</Code><Message>Access Denied</Message><RequestId>r</RequestId></Error>""");
    ApplicationFailure f = catchThrowableOfType(ApplicationFailure.class, () -> SampleRows.read(
        http.clients(RecordedHttpClient.config()).s3(), "s3://bucket/data/test.csv", 5));
    assertThat(f.isNonRetryable()).isTrue();
    assertThat(f.getType()).isEqualTo(Failures.INFRASTRUCTURE_FAILED);
    assertThat(f.getOriginalMessage()).contains("access denied reading s3://bucket/data/test.csv")
        .contains("s3:GetObject");
  }

  /** The post-traffic hook lists the capture prefix: a 403 there is the same kind of error, naming ListBucket. */
  @Test
  void accessDeniedListingCaptureIsAClearNonRetryableError() {
    RecordedHttpClient http = new RecordedHttpClient().on("GET /bucket", 403, """
        <?xml version="1.0" encoding="UTF-8"?>
        <Error><Code>AccessDenied</Code><Message>Access Denied</Message><RequestId>r</RequestId></Error>""")
        .on("GET /bucket/data/test.csv", "18.3,12.5,1,3.2\n")
        .on("POST /endpoints/taxi-prod/invocations", "18.9");
    var clients = http.clients(RecordedHttpClient.config());
    var hooks = new dev.safedeploy.activities.aws.hooks.AwsHookActivitiesImpl(clients.runtime(),
        clients.sageMaker(), clients.s3(),
        RecordedHttpClient.config(), "s3://bucket/sd/datacapture");
    ApplicationFailure f = catchThrowableOfType(ApplicationFailure.class, () -> hooks.postTraffic(
        new dev.safedeploy.workflows.activities.HookActivities.HookRequest("taxi-prod", "v2",
            "s3://bucket/data/test.csv", 1, 1000)));
    assertThat(f.isNonRetryable()).isTrue();
    assertThat(f.getType()).isEqualTo(Failures.INFRASTRUCTURE_FAILED);
    assertThat(f.getOriginalMessage()).contains("access denied listing s3://bucket/sd/datacapture/taxi-prod/v2/")
        .contains("s3:ListBucket");
  }
}
