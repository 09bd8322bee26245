package dev.safedeploy.lambdas.hooks;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.codedeploy.CodeDeployClient;
import software.amazon.awssdk.services.codedeploy.model.LifecycleEventAlreadyCompletedException;
import software.amazon.awssdk.services.codedeploy.model.LifecycleEventStatus;

/** {@link LifecycleStatusReporter} over CodeDeploy's PutLifecycleEventHookExecutionStatus. */
public final class CodeDeployStatusReporter implements LifecycleStatusReporter {

  private static final Logger log = LoggerFactory.getLogger(CodeDeployStatusReporter.class);

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
    try {
      client.putLifecycleEventHookExecutionStatus(r -> r
          .deploymentId(event.deploymentId())
          .lifecycleEventHookExecutionId(event.executionId())
          .status(succeeded ? LifecycleEventStatus.SUCCEEDED : LifecycleEventStatus.FAILED));
    } catch (LifecycleEventAlreadyCompletedException e) {
      // a retried invocation whose first attempt's report did arrive (or the hook timed out): nothing left to tell
      log.warn("lifecycle event {} of deployment {} was already completed: {}", event.executionId(),
          event.deploymentId(), e.awsErrorDetails() == null ? e.getMessage() : e.awsErrorDetails().errorMessage());
    }
  }
}
