package dev.safedeploy.activities.aws.sns;

import dev.safedeploy.activities.gateway.GatewayNotifier;
import dev.safedeploy.workflows.activities.NotificationActivities;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.MessageAttributeValue;

/**
 * Notifications through SNS (topic from config) and, when one is configured, the Slack approval gateway; best effort:
 * a failed publish is logged, never fails the run.
 */
public class AwsNotificationActivitiesImpl implements NotificationActivities {

  private static final Logger log = LoggerFactory.getLogger(AwsNotificationActivitiesImpl.class);

  private final SnsClient sns;
  private final String topicArn;
  private final GatewayNotifier gateway;

  public AwsNotificationActivitiesImpl(SnsClient sns, String topicArn) {
    this(sns, topicArn, null);
  }

  /** @param gateway null when no gateway is configured */
  public AwsNotificationActivitiesImpl(SnsClient sns, String topicArn, GatewayNotifier gateway) {
    this.sns = sns;
    this.topicArn = topicArn;
    this.gateway = gateway;
  }

  static String subject(Notification n) {
    String s = "[safedeploy] " + n.kind() + " " + n.model() + " " + n.version();
    return s.length() > 100 ? s.substring(0, 100) : s;
  }

  static String body(Notification n) {
    StringBuilder b = new StringBuilder(n.text() == null ? "" : n.text()).append("\n\n");
    b.append("workflow: ").append(n.workflowId()).append('\n');
    if (n.fields() != null) {
      new TreeMap<>(n.fields()).forEach((k, v) -> b.append(k).append(": ").append(v).append('\n'));
    }
    return b.toString();
  }

  @Override
  public void notify(Notification n) {
    log.info("{} {} {}: {}", n.kind(), n.model(), n.version(), n.text());
    if (gateway != null) {
      gateway.forward(n);
    }
    if (topicArn == null) {
      return;
    }
    try {
      String id = sns.publish(b -> b.topicArn(topicArn).subject(subject(n)).message(body(n))
          .messageAttributes(Map.of(
              "kind", MessageAttributeValue.builder().dataType("String").stringValue(n.kind().name()).build(),
              "workflowId", MessageAttributeValue.builder().dataType("String").stringValue(n.workflowId()).build())))
          .messageId();
      log.debug("published {} as SNS message {}", n.kind(), id);
    } catch (RuntimeException e) {
      log.warn("SNS publish of {} for {} failed (notification dropped): {}", n.kind(), n.workflowId(), e.toString());
    }
  }
}
