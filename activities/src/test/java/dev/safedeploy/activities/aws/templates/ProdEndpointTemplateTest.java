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
}
