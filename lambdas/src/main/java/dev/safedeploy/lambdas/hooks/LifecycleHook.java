package dev.safedeploy.lambdas.hooks;

import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a check and ALWAYS reports its verdict to CodeDeploy: a check that crashes is reported Failed (otherwise the
 * deployment would hang until CodeDeploy's one-hour hook timeout). A report that cannot be delivered is thrown, so
 * Lambda's asynchronous retries run the hook again rather than leaving the deployment waiting.
 */
final class LifecycleHook {

  private static final Logger log = LoggerFactory.getLogger(LifecycleHook.class);

  private final String name;
  private final TrafficCheck check;
  private final LifecycleStatusReporter reporter;

  LifecycleHook(String name, TrafficCheck check, LifecycleStatusReporter reporter) {
    this.name = name;
    this.check = check;
    this.reporter = reporter;
  }

  /** @return what was reported: deploymentId, status (Succeeded|Failed) and the check's detail */
  Map<String, String> run(Map<String, ?> rawEvent) {
    LifecycleHookEvent event = LifecycleHookEvent.from(rawEvent);
    CheckResult result;
    try {
      result = check.check(event);
      if (result == null) {
        result = CheckResult.failed("the check returned no verdict");
      }
    } catch (Throwable e) { // NOPMD: whatever went wrong, CodeDeploy must hear Failed
      log.error("{} check crashed for deployment {}", name, event.deploymentId(), e);
      result = CheckResult.failed("the check crashed: " + e);
    }
    String status = result.passed() ? "Succeeded" : "Failed";
    log.info("{} for deployment {}: {} ({})", name, event.deploymentId(), status, result.detail());
    try {
      reporter.report(event, result.passed());
    } catch (RuntimeException e) {
      throw new IllegalStateException(name + " could not report " + status + " for deployment "
          + event.deploymentId() + " (hook execution " + event.executionId() + ") to CodeDeploy", e);
    }
    Map<String, String> reported = new LinkedHashMap<>();
    reported.put("deploymentId", event.deploymentId());
    reported.put("lifecycleEventHookExecutionId", event.executionId());
    reported.put("status", status);
    reported.put("detail", result.detail());
    return reported;
  }
}
