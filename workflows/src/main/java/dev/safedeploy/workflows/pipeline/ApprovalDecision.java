package dev.safedeploy.workflows.pipeline;

/**
 * An approve or reject decision, as sent by the CLI, the Slack gateway or any Temporal client.
 *
 * @param approve true approves, false rejects
 * @param approver identity of the person deciding (Slack users are mapped to these by the gateway)
 * @param comment why; shown in the audit trail
 * @param via where it came from: cli, slack, signal, demo...
 * @param overrideAlarms approve although alarms are in ALARM while the run waits (those alarms, in that transition,
 *     then do not stop the canary; a later transition still does); without it such an approval is refused
 */
public record ApprovalDecision(boolean approve, String approver, String comment, String via, boolean overrideAlarms) {

  /** A decision that overrides nothing (decisions recorded before the override existed deserialize to this too). */
  public ApprovalDecision(boolean approve, String approver, String comment, String via) {
    this(approve, approver, comment, via, false);
  }

  public static ApprovalDecision approve(String approver, String comment, String via) {
    return new ApprovalDecision(true, approver, comment, via);
  }

  /** Approves although alarms are in ALARM (the approver has looked at them). */
  public static ApprovalDecision approveOverridingAlarms(String approver, String comment, String via) {
    return new ApprovalDecision(true, approver, comment, via, true);
  }

  public static ApprovalDecision reject(String approver, String comment, String via) {
    return new ApprovalDecision(false, approver, comment, via);
  }
}
