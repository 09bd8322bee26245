package dev.safedeploy.lambdas;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * templates/api-canary.yml names its handlers as strings; a renamed class would only show when Lambda fails to start.
 * Every handler it names must exist, be a RequestHandler, and have the public no-arg constructor the runtime uses.
 */
class TemplateWiringTest {

  private static final Path TEMPLATE = Path.of("..", "templates", "api-canary.yml");

  @Test
  void everyHandlerInTheTemplateIsALoadableRequestHandler() throws Exception {
    String template = Files.readString(TEMPLATE);
    Matcher handler = Pattern.compile("Handler:\\s*([\\w.]+)::(\\w+)").matcher(template);
    List<String> handlers = new ArrayList<>();
    while (handler.find()) {
      Class<?> type = Class.forName(handler.group(1));
      assertThat(RequestHandler.class).isAssignableFrom(type);
      assertThat(Modifier.isPublic(type.getConstructor().getModifiers())).isTrue();
      assertThat(type.getMethods()).anySatisfy(method -> {
        assertThat(method.getName()).isEqualTo(handler.group(2));
        assertThat(method.getParameterTypes()).hasSize(2);
        assertThat(method.getParameterTypes()[1]).isEqualTo(Context.class);
      });
      handlers.add(type.getSimpleName());
    }
    assertThat(handlers).containsExactlyInAnyOrder("InvokeEndpointHandler", "PreTrafficHookHandler",
        "PostTrafficHookHandler", "AlarmBridgeHandler");
  }

  @Test
  void environmentVariablesTheHandlersReadAreTheOnesTheTemplateSets() throws Exception {
    String template = Files.readString(TEMPLATE);
    for (String variable : List.of("ENDPOINT_NAME:", "SAMPLE_ROWS:", "MAX_LATENCY_MILLIS:",
        "TEMPORAL_ADDRESS:", "TEMPORAL_NAMESPACE:", "TEMPORAL_API_KEY_SECRET_ARN:", "FORWARD_STATES:")) {
      assertThat(template).contains(variable);
    }
    assertThat(template).contains("AutoPublishAlias: live").contains("CloudWatch Alarm State Change");
  }

  @Test
  void theBridgeCanUseEverySecretItReadsAndRunInAVpc() throws Exception {
    String template = Files.readString(TEMPLATE);
    String bridge = template.substring(template.indexOf("  AlarmBridgeFunction:"),
        template.indexOf("  AlarmStateChangeRule:"));
    // the template sets every *_SECRET_ARN the bridge resolves (API key, mTLS client cert and key, server CA)...
    for (String variable : dev.safedeploy.lambdas.alarms.TemporalSettings.secretArnVariables()) {
      assertThat(bridge).as(variable).contains(variable + ":");
    }
    // ...and lets it read each of them, only when given
    for (String parameter : List.of("TemporalApiKeySecretArn", "TemporalTlsClientCertSecretArn",
        "TemporalTlsClientKeySecretArn", "TemporalTlsServerCaCertSecretArn")) {
      assertThat(template).contains("  " + parameter + ":\n    Type: String\n    Default: \"\"");
      assertThat(bridge.split("!Ref " + parameter + "\\b", -1).length - 1).as("%s in the env and the policy",
          parameter).isGreaterThanOrEqualTo(2);
    }
    assertThat(bridge).contains("TEMPORAL_TLS_SERVER_NAME:", "VpcConfig: !If", "- HasBridgeVpc",
        "SubnetIds: !Ref BridgeSubnetIds", "SecurityGroupIds: !Ref BridgeSecurityGroupIds", "ec2:CreateNetworkInterface");
  }
}
