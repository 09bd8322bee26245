package dev.safedeploy.workflows.retrain;

import io.temporal.failure.ApplicationFailure;
import io.temporal.workflow.SignalExternalWorkflowException;

/** Signalling another workflow from workflow code, where "it is not running" is an answer, not an error. */
final class ExternalSignal {

  private ExternalSignal() {}

  /** Runs a signal on an external stub; false when the target is closed or was never started. */
  static boolean deliver(Runnable signal) {
    try {
      signal.run();
      return true;
    } catch (SignalExternalWorkflowException e) {
      return false;
    } catch (ApplicationFailure e) {
      // how the SDK reports SignalExternalWorkflowExecutionFailed with cause EXTERNAL_WORKFLOW_EXECUTION_NOT_FOUND
      if (e.getType() != null && e.getType().endsWith("EXTERNAL_WORKFLOW_EXECUTION_NOT_FOUND")) {
        return false;
      }
      throw e;
    }
  }
}
