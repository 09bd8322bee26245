package dev.safedeploy.starter.gateway;

import com.slack.api.methods.MethodsClient;
import com.slack.api.methods.SlackApiException;
import com.slack.api.methods.SlackApiTextResponse;
import com.slack.api.methods.response.chat.ChatPostMessageResponse;
import com.slack.api.model.block.LayoutBlock;
import dev.safedeploy.starter.runs.RunService;
import dev.safedeploy.workflows.activities.NotificationActivities.Kind;
import dev.safedeploy.workflows.activities.NotificationActivities.Notification;
import dev.safedeploy.workflows.pipeline.PipelineStatus;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The approval message of each run in Slack: posted from the workflow's notifications, edited when someone decides,
 * results in its thread. Every Web API call goes through {@link #call} so failures are counted and reported alike.
 */
final class ApprovalPosts {

  private static final Logger log = LoggerFactory.getLogger(ApprovalPosts.class);

  private final MethodsClient slack;
  private final String channel;
  private final RunService runs;
  private final GatewayMetrics metrics;
  /** In memory: a restart posts anew, and a click on an older message rebuilds its facts from the run's status. */
  private final Map<String, PostedMessage> messages = new ConcurrentHashMap<>();

  record PostedMessage(String channel, String ts, Notification notification) {}

  ApprovalPosts(MethodsClient slack, String channel, RunService runs, GatewayMetrics metrics) {
    this.slack = slack;
    this.channel = channel;
    this.runs = runs;
    this.metrics = metrics;
  }

  /** Posts or updates the run's message; returns the ts of the message written. */
  String deliver(Notification n) {
    PostedMessage previous = messages.get(n.workflowId());
    switch (n.kind()) {
      case APPROVAL_REQUESTED, APPROVAL_REMINDER -> {
        boolean reminder = n.kind() == Kind.APPROVAL_REMINDER;
        // A reminder carries little; the facts (RMSE, endpoint) come from the request it reminds of.
        Notification shown = reminder && previous != null ? merge(previous.notification(), n) : n;
        ChatPostMessageResponse r = call("chat.postMessage", () -> slack.chatPostMessage(req -> req
            .channel(channel).text(ApprovalMessages.fallbackText(n))
            .blocks(ApprovalMessages.approvalRequest(shown, reminder))));
        if (reminder && previous != null) {
          // One set of live buttons per run: the old message points at the reminder.
          update(previous.channel(), previous.ts(), ApprovalMessages.decided(previous.notification(),
              "_Reminder posted below; decide there._"), "superseded by a reminder");
        }
        messages.put(n.workflowId(), new PostedMessage(r.getChannel(), r.getTs(), shown));
        return r.getTs();
      }
      case APPROVED, REJECTED -> {
        if (previous != null) {
          String line = (n.kind() == Kind.APPROVED ? ":white_check_mark: *Approved*" : ":no_entry_sign: *Rejected*")
              + (n.text() == null || n.text().isBlank() ? "" : ": " + n.text());
          update(previous.channel(), previous.ts(), ApprovalMessages.decided(previous.notification(), line), line);
          return previous.ts();
        }
        return post(n, null);
      }
      default -> {
        return post(n, previous == null ? null : previous.ts());
      }
    }
  }

  private static Notification merge(Notification request, Notification reminder) {
    Map<String, String> fields = new LinkedHashMap<>(request.fields() == null ? Map.of() : request.fields());
    if (reminder.fields() != null) {
      fields.putAll(reminder.fields());
    }
    return new Notification(Kind.APPROVAL_REQUESTED, request.workflowId(), request.model(), request.version(),
        reminder.text() != null && !reminder.text().isBlank() ? reminder.text() : request.text(), fields);
  }

  private String post(Notification n, String threadTs) {
    ChatPostMessageResponse r = call("chat.postMessage", () -> slack.chatPostMessage(req -> req
        .channel(channel).text(ApprovalMessages.fallbackText(n)).threadTs(threadTs)
        .replyBroadcast(threadTs != null ? Boolean.TRUE : null).blocks(ApprovalMessages.result(n))));
    return r.getTs();
  }

  void update(String channel, String ts, List<LayoutBlock> blocks, String text) {
    call("chat.update", () -> slack.chatUpdate(req -> req.channel(channel).ts(ts).text(text).blocks(blocks)));
  }

  /** Edits the run's remembered message if there is one; a failure is logged, the decision already stands. */
  void tryUpdate(String workflowId, Function<Notification, List<LayoutBlock>> blocks,
      String text) {
    PostedMessage m = messages.get(workflowId);
    if (m == null) {
      return;
    }
    try {
      update(m.channel(), m.ts(), blocks.apply(m.notification()), text);
    } catch (SlackFailure e) {
      log.warn("could not update the approval message of {}: {}", workflowId, e.getMessage());
    }
  }

  void postEphemeral(String channel, String user, String text) {
    call("chat.postEphemeral", () -> slack.chatPostEphemeral(req -> req.channel(channel).user(user).text(text)));
  }

  /** The approval request of a run: as notified, or rebuilt from its status after a gateway restart. */
  Notification requestOf(String workflowId) {
    PostedMessage m = messages.get(workflowId);
    if (m != null) {
      return m.notification();
    }
    Map<String, String> fields = new LinkedHashMap<>();
    String model = "?";
    String version = "?";
    try {
      PipelineStatus s = runs.view(workflowId).status();
      model = s.model();
      version = s.version();
      if (s.validationRmse() != null) {
        fields.put("rmse", String.format("%.4f", s.validationRmse()));
      }
      if (s.liveRmse() != null) {
        fields.put("liveRmse", String.format("%.4f", s.liveRmse()));
      }
      if (s.devEndpoint() != null) {
        fields.put("devEndpoint", s.devEndpoint());
      }
    } catch (RuntimeException e) {
      log.debug("no status for {}", workflowId, e);
    }
    return new Notification(Kind.APPROVAL_REQUESTED, workflowId, model, version, null, fields);
  }

  Optional<String> messageTs(String workflowId) {
    return Optional.ofNullable(messages.get(workflowId)).map(PostedMessage::ts);
  }

  private <T extends SlackApiTextResponse> T call(String method, SlackCall<T> call) {
    T response;
    try {
      response = call.call();
    } catch (IOException | SlackApiException e) {
      metrics.slackApiError(method, e.getClass().getSimpleName());
      throw new SlackFailure(method + " failed: " + e.getMessage(), e);
    }
    if (!response.isOk()) {
      metrics.slackApiError(method, String.valueOf(response.getError()));
      throw new SlackFailure(method + " failed: " + response.getError(), null);
    }
    return response;
  }

  @FunctionalInterface
  interface SlackCall<T> {
    T call() throws IOException, SlackApiException;
  }

  static final class SlackFailure extends RuntimeException {
    SlackFailure(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
