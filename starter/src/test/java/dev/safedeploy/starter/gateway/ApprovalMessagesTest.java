package dev.safedeploy.starter.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.slack.api.model.block.LayoutBlock;
import com.slack.api.util.json.GsonFactory;
import dev.safedeploy.starter.cli.Json;
import dev.safedeploy.workflows.activities.NotificationActivities.Kind;
import dev.safedeploy.workflows.activities.NotificationActivities.Notification;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ApprovalMessagesTest {

  private static String json(List<LayoutBlock> blocks) {
    return GsonFactory.createSnakeCase().toJson(blocks);
  }

  @Test
  void anApprovalRequestWithAlarmsInAlarmSaysSoAndHowToOverride() {
    Notification n = new Notification(Kind.APPROVAL_REMINDER, "deploy-nyctaxi-v2", "nyctaxi", "v2", "alarm",
        Map.of("rmse", "4.1000", "alarms", "nyctaxi-prod-v1-5xx: 5xx above 5"));
    String blocks = json(ApprovalMessages.approvalRequest(n, true));

    assertThat(blocks).contains("In ALARM now:* nyctaxi-prod-v1-5xx: 5xx above 5")
        .contains("safedeploy approve deploy-nyctaxi-v2 --override-alarms");
  }

  @Test
  void withoutAlarmsThereIsNoAlarmBlock() {
    Notification n = new Notification(Kind.APPROVAL_REQUESTED, "deploy-nyctaxi-v2", "nyctaxi", "v2", null,
        Map.of("rmse", "4.1000"));
    assertThat(json(ApprovalMessages.approvalRequest(n, false))).doesNotContain("In ALARM");
  }

  static String render(Map<String, String> fields) throws Exception {
    List<LayoutBlock> blocks = ApprovalMessages.approvalRequest(new Notification(Kind.APPROVAL_REQUESTED,
        "deploy-taxi-v3", "taxi", "v3", "taxi v3 awaits approval", fields), false);
    return Json.MAPPER.writeValueAsString(blocks);
  }

  @Test
  void aRetrainRunSaysWhyItExists() throws Exception {
    String json = render(Map.of("rmse", "4.1", "requestedBy", "alarm:taxi-prod-drift-total_amount",
        "retrainCause", "drift alarm taxi-prod-drift-total_amount at 0.44"));
    assertThat(json).contains("*Retrain cause*\\ndrift alarm taxi-prod-drift-total_amount at 0.44");
  }

  @Test
  void aRunStartedByHandHasNoRetrainCause() throws Exception {
    assertThat(render(Map.of("rmse", "4.1", "requestedBy", "alice"))).doesNotContain("Retrain cause");
  }
}
