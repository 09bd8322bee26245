package dev.safedeploy.workflows.activities;

import io.temporal.activity.ActivityInterface;
import java.util.Map;

/** Tells people: log, Slack (through the gateway), SNS. Best effort: a failed notification never fails a run. */
@ActivityInterface
public interface NotificationActivities {

  enum Kind { APPROVAL_REQUESTED, APPROVAL_REMINDER, APPROVED, REJECTED, PROMOTED, ROLLED_BACK, FAILED }

  /** @param fields structured facts (rmse, liveRmse, devEndpoint, ...) for rich messages */
  record Notification(Kind kind, String workflowId, String model, String version, String text,
      Map<String, String> fields) {}

  void notify(Notification notification);
}
