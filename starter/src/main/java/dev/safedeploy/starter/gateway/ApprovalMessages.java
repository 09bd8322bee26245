package dev.safedeploy.starter.gateway;

import static com.slack.api.model.block.Blocks.actions;
import static com.slack.api.model.block.Blocks.context;
import static com.slack.api.model.block.Blocks.header;
import static com.slack.api.model.block.Blocks.section;
import static com.slack.api.model.block.composition.BlockCompositions.markdownText;
import static com.slack.api.model.block.composition.BlockCompositions.plainText;
import static com.slack.api.model.block.element.BlockElements.asElements;
import static com.slack.api.model.block.element.BlockElements.button;

import com.slack.api.model.block.LayoutBlock;
import com.slack.api.model.block.composition.TextObject;
import dev.safedeploy.workflows.activities.NotificationActivities.Kind;
import dev.safedeploy.workflows.activities.NotificationActivities.Notification;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The Block Kit messages the gateway posts. */
public final class ApprovalMessages {

  public static final String APPROVE_ACTION = "safedeploy_approve";
  public static final String REJECT_ACTION = "safedeploy_reject";
  public static final String ACTIONS_BLOCK = "safedeploy_decision";

  private ApprovalMessages() {}

  /** Model, version, RMSE vs live, dev endpoint, the workflow's text, and Approve / Reject buttons. */
  public static List<LayoutBlock> approvalRequest(Notification n, boolean reminder) {
    List<LayoutBlock> blocks = facts(n, (reminder ? "Reminder: approval needed for " : "Approval needed: ")
        + n.model() + " " + n.version());
    blocks.add(actions(a -> a.blockId(ACTIONS_BLOCK).elements(asElements(
        button(b -> b.actionId(APPROVE_ACTION).text(plainText("Approve")).style("primary").value(n.workflowId())),
        button(b -> b.actionId(REJECT_ACTION).text(plainText("Reject")).style("danger").value(n.workflowId()))))));
    return blocks;
  }

  /** The approval request without its buttons, with what happened. */
  public static List<LayoutBlock> decided(Notification n, String outcomeLine) {
    List<LayoutBlock> blocks = facts(n, "Approval: " + n.model() + " " + n.version());
    blocks.add(section(s -> s.text(markdownText(outcomeLine))));
    return blocks;
  }

  /** The approval request with its buttons still there, and why a decision was refused. */
  public static List<LayoutBlock> refused(Notification n, String refusalLine) {
    List<LayoutBlock> blocks = approvalRequest(n, false);
    blocks.add(context(c -> c.elements(List.of(markdownText(refusalLine)))));
    return blocks;
  }

  /** A run's result: promoted, rolled back, failed... */
  public static List<LayoutBlock> result(Notification n) {
    String icon = switch (n.kind()) {
      case PROMOTED, APPROVED -> ":white_check_mark:";
      case ROLLED_BACK -> ":rewind:";
      case REJECTED -> ":no_entry_sign:";
      case FAILED -> ":x:";
      default -> ":information_source:";
    };
    List<LayoutBlock> blocks = new ArrayList<>();
    blocks.add(section(s -> s.text(markdownText(icon + " *" + n.model() + " " + n.version() + "*: " + n.kind()
        + (n.text() == null || n.text().isBlank() ? "" : "\n" + n.text())))));
    blocks.add(context(c -> c.elements(List.of(markdownText("run `" + n.workflowId() + "`")))));
    return blocks;
  }

  public static String fallbackText(Notification n) {
    return n.kind() == Kind.APPROVAL_REQUESTED || n.kind() == Kind.APPROVAL_REMINDER
        ? "Approval needed: " + n.model() + " " + n.version() + " (" + n.workflowId() + ")"
        : n.model() + " " + n.version() + ": " + n.kind() + (n.text() == null ? "" : " - " + n.text());
  }

  private static List<LayoutBlock> facts(Notification n, String title) {
    Map<String, String> f = n.fields() == null ? Map.of() : n.fields();
    List<TextObject> fields = new ArrayList<>();
    fields.add(markdownText("*Model*\n" + n.model()));
    fields.add(markdownText("*Version*\n" + n.version()));
    fields.add(markdownText("*RMSE (validation)*\n" + f.getOrDefault("rmse", "-")));
    fields.add(markdownText("*Live model RMSE*\n" + f.getOrDefault("liveRmse", "none (first deployment)")
        + (f.containsKey("liveVersion") ? " (" + f.get("liveVersion") + ")" : "")));
    fields.add(markdownText("*Dev endpoint*\n" + f.getOrDefault("devEndpoint", "-")));
    if (f.containsKey("requestedBy")) {
      fields.add(markdownText("*Requested by*\n" + f.get("requestedBy")));
    }
    if (f.containsKey("deadline")) {
      fields.add(markdownText("*Decide by*\n" + f.get("deadline")));
    }
    if (f.containsKey("retrainCause")) {
      // a retrain started this run: say why, the approver decides on a version nobody asked for by hand
      fields.add(markdownText("*Retrain cause*\n" + f.get("retrainCause")));
    }
    List<LayoutBlock> blocks = new ArrayList<>();
    blocks.add(header(h -> h.text(plainText(title.length() > 150 ? title.substring(0, 150) : title))));
    if (n.text() != null && !n.text().isBlank()) {
      blocks.add(section(s -> s.text(markdownText(n.text()))));
    }
    blocks.add(section(s -> s.fields(fields)));
    if (f.containsKey("alarms")) {
      // Approve in Slack is refused while these are in ALARM; an override is a deliberate act, from the CLI.
      blocks.add(section(s -> s.text(markdownText(":rotating_light: *In ALARM now:* " + f.get("alarms")
          + "\nApproving is refused until they clear; to deploy anyway: `safedeploy approve " + n.workflowId()
          + " --override-alarms`"))));
    }
    blocks.add(context(c -> c.elements(List.of(markdownText("run `" + n.workflowId() + "`")))));
    return blocks;
  }
}
