package dev.safedeploy.lambdas.hooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.codedeploy.CodeDeployClient;

/** The hook status rule itself: each way a status call can break it is refused before it is sent. */
class HookStatusConformanceTest {

  private final HookStatusConformance conformance = new HookStatusConformance();
  private final CodeDeployClient client = InMemoryCodeDeploy.client(conformance);

  @AfterEach
  void close() {
    client.close();
  }

  private void invoked(String deploymentId, String executionId) {
    conformance.invoked(Map.of("DeploymentId", deploymentId, "LifecycleEventHookExecutionId", executionId));
  }

  private void put(String deploymentId, String executionId, String status) {
    client.putLifecycleEventHookExecutionStatus(r -> r.deploymentId(deploymentId)
        .lifecycleEventHookExecutionId(executionId).status(status));
  }

  @Test
  void oneSucceededOrFailedPerInvocationWithItsIdsPasses() {
    invoked("d-1", "exec-1");
    invoked("d-1", "exec-2");
    put("d-1", "exec-1", "Succeeded");
    put("d-1", "exec-2", "Failed");
    assertThat(conformance.reported).hasSize(2);
    assertThat(conformance.violations).isEmpty();
  }

  @Test
  void onlySucceededOrFailed() {
    invoked("d-1", "exec-1");
    for (String status : new String[] {"InProgress", "Pending", "Skipped", "Unknown", "succeeded"}) {
      assertThatThrownBy(() -> put("d-1", "exec-1", status)).isInstanceOf(HookStatusConformance.Violation.class)
          .hasMessageContaining("only report Succeeded or Failed, not " + status);
    }
    assertThat(conformance.reported).isEmpty();
  }

  @Test
  void bothIdsAreRequired() {
    invoked("d-1", "exec-1");
    assertThatThrownBy(() -> put(null, "exec-1", "Succeeded")).isInstanceOf(HookStatusConformance.Violation.class)
        .hasMessageContaining("deploymentId and lifecycleEventHookExecutionId are required");
    assertThatThrownBy(() -> put("d-1", " ", "Succeeded")).isInstanceOf(HookStatusConformance.Violation.class)
        .hasMessageContaining("are required");
  }

  @Test
  void theIdsAreTheOnesTheHookWasInvokedWith() {
    invoked("d-1", "exec-1");
    assertThatThrownBy(() -> put("d-1", "exec-9", "Succeeded")).isInstanceOf(HookStatusConformance.Violation.class)
        .hasMessageContaining("no hook was invoked with deployment d-1 and execution exec-9");
    // swapped: the deployment id where the execution id belongs
    assertThatThrownBy(() -> put("exec-1", "d-1", "Succeeded")).isInstanceOf(HookStatusConformance.Violation.class)
        .hasMessageContaining("no hook was invoked");
  }

  @Test
  void oneCallPerInvocationAndARetriedInvocationMayReportAgain() {
    invoked("d-1", "exec-1");
    put("d-1", "exec-1", "Failed");
    assertThatThrownBy(() -> put("d-1", "exec-1", "Failed")).isInstanceOf(HookStatusConformance.Violation.class)
        .hasMessageContaining("already reported its status");
    invoked("d-1", "exec-1"); // Lambda's asynchronous retry of the same event
    put("d-1", "exec-1", "Succeeded");
    assertThat(conformance.reported).hasSize(2);
  }
}
