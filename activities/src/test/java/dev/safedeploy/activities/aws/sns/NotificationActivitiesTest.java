package dev.safedeploy.activities.aws.sns;

import static org.assertj.core.api.Assertions.assertThat;

import dev.safedeploy.activities.aws.ActivityTesting;
import dev.safedeploy.activities.aws.MotoServer;
import dev.safedeploy.activities.aws.MotoServerExtension;
import dev.safedeploy.workflows.activities.NotificationActivities;
import dev.safedeploy.workflows.activities.NotificationActivities.Kind;
import dev.safedeploy.workflows.activities.NotificationActivities.Notification;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** moto: SNS Publish is real; what was published is read back from moto's model data. */
@ExtendWith(MotoServerExtension.class)
class NotificationActivitiesTest {

  private static final Notification APPROVAL = new Notification(Kind.APPROVAL_REQUESTED, "deploy-taxi-v2", "taxi",
      "v2", "taxi v2 is on taxi-dev-v2 and waits for approval", Map.of("rmse", "4.21", "devEndpoint", "taxi-dev-v2"));

  @Test
  void publishesToTheTopic(MotoServer moto) {
    String topic = moto.clients().sns().createTopic(b -> b.name("safedeploy")).topicArn();
    try (ActivityTesting t = new ActivityTesting(new AwsNotificationActivitiesImpl(moto.clients().sns(), topic))) {
      t.stub(NotificationActivities.class).notify(APPROVAL);
    }
    String published = moto.modelData();
    assertThat(published).contains("[safedeploy] APPROVAL_REQUESTED taxi v2")
        .contains("waits for approval").contains("rmse: 4.21");
  }

  @Test
  void aFailedPublishNeverFailsTheRun(MotoServer moto) {
    String missing = "arn:aws:sns:us-east-1:123456789012:no-such-topic";
    try (ActivityTesting t = new ActivityTesting(new AwsNotificationActivitiesImpl(moto.clients().sns(), missing))) {
      t.stub(NotificationActivities.class).notify(APPROVAL); // best effort: logged, not thrown
    }
    assertThat(moto.modelData()).doesNotContain("waits for approval");
  }
}
