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

  /** Statements of the worker role, by Sid: the text from "- Sid: X" to the next statement. */
  private static String statement(String role, String sid) {
    int at = role.indexOf("- Sid: " + sid + "\n");
    assertThat(at).as("statement " + sid).isGreaterThanOrEqualTo(0);
    int next = role.indexOf("- Sid: ", at + 1);
    return role.substring(at, next < 0 ? role.length() : next);
  }

  @Test
  void executionRoleMayDescribeAlarms() throws IOException {
    String execution = Files.readString(CfnLintTest.templatesDir().resolve("worker-iam.yml"))
        .split("Type: AWS::IAM::Role")[1];
    assertThat(statement(execution, "DescribeAlarms")).contains("cloudwatch:DescribeAlarms").contains(":alarm:*");
  }

  @Test
  void onlyCreateKeyAndListKeysAreUnscopedAndTheKmsKeyHandlerHasWhatItCalls() throws IOException {
    String worker = Files.readString(CfnLintTest.templatesDir().resolve("worker-iam.yml"))
        .split("Type: AWS::IAM::Role")[2];
    String create = statement(worker, "StackResourcesKmsCreate");
    assertThat(create).contains("Action: kms:CreateKey").contains("Resource: \"*\"");
    String keys = statement(worker, "StackResourcesKmsKeys");
    for (String action : List.of("DescribeKey", "GetKeyPolicy", "PutKeyPolicy", "GetKeyRotationStatus",
        "EnableKeyRotation", "ListResourceTags", "TagResource", "UntagResource", "ScheduleKeyDeletion")) {
      assertThat(keys).contains("kms:" + action);
    }
    assertThat(keys).contains(":key/*").doesNotContain("Resource: \"*\"");
    // teardown lists keys to find the capture keys that deleted stacks retained; a list call has no resource scope
    assertThat(statement(worker, "ValidateTemplatesAndList")).contains("kms:ListKeys").contains("Resource: \"*\"");
    assertThat(statement(worker, "StackResourcesKmsGrantsForSageMaker"))
        .contains("kms:CreateGrant").contains("kms:GrantIsForAWSResource");
  }

  @Test
  void lambdaAndCodeDeployAreLimitedToSafedeployResources() throws IOException {
    String worker = Files.readString(CfnLintTest.templatesDir().resolve("worker-iam.yml"))
        .split("Type: AWS::IAM::Role")[2];
    String lambda = statement(worker, "LambdaAliasForCanary");
    assertThat(lambda).contains(":function:safedeploy-*").doesNotContain(":function:*\"");
    String codeDeploy = statement(worker, "CodeDeployCanary");
    assertThat(codeDeploy).contains(":application:safedeploy-*").contains(":deploymentgroup:safedeploy-*/*")
        .doesNotContain("Resource: \"*\"");
  }
}
