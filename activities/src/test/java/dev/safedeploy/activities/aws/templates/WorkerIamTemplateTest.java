package dev.safedeploy.activities.aws.templates;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The README's data layout (s3://bucket/data/...) must be readable by both roles, and only readable. */
class WorkerIamTemplateTest {

  @Test
  void bothRolesReadTheDataPrefixReadOnly() throws IOException {
    String body = Files.readString(CfnLintTest.templatesDir().resolve("worker-iam.yml"));
    assertThat(body).contains("  DataPrefix:\n    Type: String");
    // each role's policy: the statements between "Type: AWS::IAM::Role" markers
    String[] roles = body.split("Type: AWS::IAM::Role");
    assertThat(roles).hasSize(3);
    Pattern read = Pattern.compile("- Sid: ReadData\\n\\s+Effect: Allow\\n\\s+Action: (\\S+)\\n\\s+Resource: (.+)\\n");
    for (String role : List.of(roles[1], roles[2])) {
      Matcher m = read.matcher(role);
      assertThat(m.find()).as("a ReadData statement in each role").isTrue();
      assertThat(m.group(1)).isEqualTo("s3:GetObject");
      assertThat(m.group(2)).contains("${ArtifactBucket}/${DataPrefix}/*");
    }
  }
}
