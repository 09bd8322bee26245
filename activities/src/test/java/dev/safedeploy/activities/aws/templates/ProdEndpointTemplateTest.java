package dev.safedeploy.activities.aws.templates;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;

/** Traffic never goes through the prod stack: no live weights among its parameters, live variants retained. */
class ProdEndpointTemplateTest {

  @Test
  void configUpdatesRetainLiveVariantPropertiesAndCarryNoLiveWeights() throws IOException {
    String body = Files.readString(CfnLintTest.templatesDir().resolve("prod-endpoint.yml"));
    String endpoint = body.substring(body.indexOf("  ProdEndpoint:\n"), body.indexOf("  ScalingTargetA:"));
    assertThat(endpoint).contains("RetainAllVariantProperties: true");
    assertThat(body).doesNotContain("VariantAWeight").doesNotContain("VariantBWeight");
    String tag = endpoint.substring(endpoint.indexOf("safedeploy:variants"));
    assertThat(tag).doesNotContain("Weight");
  }

  @Test
  void captureStoresCsvAndJsonAsText() throws IOException {
    String body = Files.readString(CfnLintTest.templatesDir().resolve("prod-endpoint.yml"));
    String header = body.substring(body.indexOf("CaptureContentTypeHeader:"), body.indexOf("      Tags:",
        body.indexOf("CaptureContentTypeHeader:")));
    assertThat(header).contains("CsvContentTypes:\n            - text/csv")
        .contains("JsonContentTypes:\n            - application/json");
  }

}
