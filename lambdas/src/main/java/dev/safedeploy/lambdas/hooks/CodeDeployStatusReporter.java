package dev.safedeploy.lambdas.hooks;

import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.codedeploy.CodeDeployClient;
import software.amazon.awssdk.services.codedeploy.model.LifecycleEventStatus;

/** {@link LifecycleStatusReporter} over CodeDeploy's PutLifecycleEventHookExecutionStatus. */
public final class CodeDeployStatusReporter implements LifecycleStatusReporter {

  private final CodeDeployClient client;

  public CodeDeployStatusReporter(CodeDeployClient client) {
    this.client = client;
  }

  public static CodeDeployStatusReporter fromEnvironment() {
    return new CodeDeployStatusReporter(CodeDeployClient.builder()
        .httpClient(UrlConnectionHttpClient.create())
        .build());
  }

  @Override
  public void report(LifecycleHookEvent event, boolean succeeded) {
    client.putLifecycleEventHookExecutionStatus(r -> r
        .deploymentId(event.deploymentId())
        .lifecycleEventHookExecutionId(event.executionId())
        .status(succeeded ? LifecycleEventStatus.SUCCEEDED : LifecycleEventStatus.FAILED));
  }
}
