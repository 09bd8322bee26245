package dev.safedeploy.lambdas.hooks;

import java.util.List;
import java.util.Map;

/**
 * The real {@link CodeDeployStatusReporter} over an in-memory SDK client whose status calls are checked by
 * {@link HookStatusConformance} against the invocations the test announces ({@link #invoked}); {@link #reports} are the
 * calls that passed. Can be told to fail like an unreachable CodeDeploy.
 */
final class RecordingReporter implements LifecycleStatusReporter {

  record Report(String deploymentId, String executionId, boolean succeeded) {}

  final HookStatusConformance conformance = new HookStatusConformance();
  private final CodeDeployStatusReporter reporter = new CodeDeployStatusReporter(
      InMemoryCodeDeploy.client(conformance));
  RuntimeException failure;

  /** The hook is invoked with {@code event}: it may report its status for it, once. */
  Map<String, Object> invoked(Map<String, Object> event) {
    conformance.invoked(event);
    return event;
  }

  @Override
  public void report(LifecycleHookEvent event, boolean succeeded) {
    if (failure != null) {
      throw failure;
    }
    reporter.report(event, succeeded);
  }

  List<Report> reports() {
    return conformance.reported.stream().map(r -> new Report(r.deploymentId(), r.lifecycleEventHookExecutionId(),
        "Succeeded".equals(r.statusAsString()))).toList();
  }
}
