package dev.safedeploy.lambdas.hooks;

import java.util.ArrayList;
import java.util.List;

/** Records every status report; can be told to fail like an unreachable CodeDeploy. */
final class RecordingReporter implements LifecycleStatusReporter {

  record Report(String deploymentId, String executionId, boolean succeeded) {}

  final List<Report> reports = new ArrayList<>();
  RuntimeException failure;

  @Override
  public void report(LifecycleHookEvent event, boolean succeeded) {
    if (failure != null) {
      throw failure;
    }
    reports.add(new Report(event.deploymentId(), event.executionId(), succeeded));
  }
}
