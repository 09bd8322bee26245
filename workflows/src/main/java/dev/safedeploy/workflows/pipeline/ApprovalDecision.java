package dev.safedeploy.workflows.pipeline;

/**
 * An approve or reject decision, as sent by the CLI, the Slack gateway or any Temporal client.
 *
 * @param approve true approves, false rejects
 * @param approver identity of the person deciding (Slack users are mapped to these by the gateway)
 * @param comment why; shown in the audit trail
 * @param via where it came from: cli, slack, signal, demo...
 */
public record ApprovalDecision(boolean approve, String approver, String comment, String via) {

  public static ApprovalDecision approve(String approver, String comment, String via) {
    return new ApprovalDecision(true, approver, comment, via);
  }

  public static ApprovalDecision reject(String approver, String comment, String via) {
    return new ApprovalDecision(false, approver, comment, via);
  }
}
