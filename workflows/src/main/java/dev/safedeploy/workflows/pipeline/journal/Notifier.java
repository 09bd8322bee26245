package dev.safedeploy.workflows.pipeline.journal;

import static dev.safedeploy.workflows.activities.Failures.rootMessage;

import dev.safedeploy.workflows.activities.NotificationActivities;
import dev.safedeploy.workflows.activities.NotificationActivities.Kind;
import dev.safedeploy.workflows.activities.NotificationActivities.Notification;
import io.temporal.failure.ActivityFailure;
import io.temporal.workflow.Workflow;
import java.util.Map;

/** Tells people (Slack, the log) about the run; best effort: a notification that fails is an event, not a failure. */
public final class Notifier {

  private final NotificationActivities notifications;
  private final StatusJournal journal;
  private final String model;
  private final String version;

  public Notifier(NotificationActivities notifications, StatusJournal journal, String model, String version) {
    this.notifications = notifications;
    this.journal = journal;
    this.model = model;
    this.version = version;
  }

  public void notify(Kind kind, String text, Map<String, String> fields) {
    try {
      notifications.notify(new Notification(kind, Workflow.getInfo().getWorkflowId(), model, version, text, fields));
    } catch (ActivityFailure e) {
      journal.event("notification " + kind + " failed: " + rootMessage(e));
    }
  }
}
