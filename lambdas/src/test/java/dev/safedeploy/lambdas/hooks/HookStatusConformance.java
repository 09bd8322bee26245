package dev.safedeploy.lambdas.hooks;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.codedeploy.model.PutLifecycleEventHookExecutionStatusRequest;

/**
 * The conformance rule for lifecycle hook status calls, on the CodeDeploy clients of the hook Lambdas' tests (the only
 * code that sends PutLifecycleEventHookExecutionStatus; the activities' {@code AwsConformance} never sees one). A
 * violating request is refused before it is sent (the call fails with {@link Violation}) and recorded.
 *
 * <p>CodeDeploy's rules (API reference, PutLifecycleEventHookExecutionStatus; "AppSpec 'hooks' section" for Lambda):
 * deploymentId and lifecycleEventHookExecutionId are required, and they are the ones the hook was invoked with (the
 * event's {@code DeploymentId} and {@code LifecycleEventHookExecutionId}: any other execution id reports nothing for
 * this hook, which then hangs until its one-hour timeout); status is exactly {@code Succeeded} or {@code Failed} (Pending,
 * InProgress, Skipped and Unknown are CodeDeploy's own); and one call per hook invocation (a second is refused with
 * LifecycleEventAlreadyCompletedException; a retried invocation reports again, and may).
 */
final class HookStatusConformance implements ExecutionInterceptor {

  /** A request CodeDeploy would refuse, or that would not complete the hook it was invoked for. */
  static final class Violation extends RuntimeException {
    Violation(String message) {
      super("CodeDeploy hook status conformance: " + message);
    }
  }

  private final Map<LifecycleHookEvent, Integer> unreported = new ConcurrentHashMap<>();
  final List<String> violations = new CopyOnWriteArrayList<>();
  /** The status calls that passed the rule, in order. */
  final List<PutLifecycleEventHookExecutionStatusRequest> reported = new CopyOnWriteArrayList<>();

  /** The hook was invoked with {@code event} (CodeDeploy's lifecycle event): it may report its status once. */
  void invoked(Map<String, ?> event) {
    Object deployment = event.get("DeploymentId");
    Object execution = event.get("LifecycleEventHookExecutionId");
    if (deployment != null && execution != null) {
      unreported.merge(new LifecycleHookEvent(deployment.toString(), execution.toString()), 1, Integer::sum);
    }
  }

  @Override
  public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
    if (!(context.request() instanceof PutLifecycleEventHookExecutionStatusRequest r)) {
      return;
    }
    String problem = problem(r);
    if (problem != null) {
      violations.add(problem);
      throw new Violation(problem);
    }
    reported.add(r);
  }

  private String problem(PutLifecycleEventHookExecutionStatusRequest r) {
    if (blank(r.deploymentId()) || blank(r.lifecycleEventHookExecutionId())) {
      return "deploymentId and lifecycleEventHookExecutionId are required, got " + r.deploymentId() + " / "
          + r.lifecycleEventHookExecutionId();
    }
    if (!"Succeeded".equals(r.statusAsString()) && !"Failed".equals(r.statusAsString())) {
      return "a lifecycle hook may only report Succeeded or Failed, not " + r.statusAsString();
    }
    LifecycleHookEvent hook = new LifecycleHookEvent(r.deploymentId(), r.lifecycleEventHookExecutionId());
    Integer left = unreported.get(hook);
    if (left == null) {
      return "no hook was invoked with deployment " + r.deploymentId() + " and execution "
          + r.lifecycleEventHookExecutionId() + " (invoked: " + unreported.keySet() + ")";
    }
    if (left == 0) {
      return "hook execution " + r.lifecycleEventHookExecutionId() + " of deployment " + r.deploymentId()
          + " already reported its status (one call per hook invocation)";
    }
    unreported.put(hook, left - 1);
    return null;
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }
}
