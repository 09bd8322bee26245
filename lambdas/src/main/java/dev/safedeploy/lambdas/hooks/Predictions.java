package dev.safedeploy.lambdas.hooks;

import dev.safedeploy.workflows.activities.HookVerdict;
import java.util.List;

/**
 * The hooks' verdict on a regression endpoint's answer: {@link HookVerdict}, the rule the worker's hooks apply too
 * (one finite prediction per row, p99 latency within the bound; a single request's latency is its p99).
 */
final class Predictions {

  private Predictions() {}

  static CheckResult verdict(String what, SampleRows rows, String body, long elapsedMillis, long maxLatencyMillis) {
    String problem = HookVerdict.answerProblem(body, rows.size());
    if (problem != null) {
      return CheckResult.failed(what + " answered " + problem);
    }
    String slow = HookVerdict.latencyProblem(List.of(elapsedMillis), maxLatencyMillis);
    if (slow != null) {
      return CheckResult.failed(what + " took " + elapsedMillis + " ms for " + rows.size() + " rows: " + slow);
    }
    return CheckResult.passed(what + " answered " + rows.size() + " predictions in " + elapsedMillis + " ms");
  }

  static String abbreviate(String text) {
    return HookVerdict.abbreviate(text);
  }
}
