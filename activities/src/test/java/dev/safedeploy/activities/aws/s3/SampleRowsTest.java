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
}
