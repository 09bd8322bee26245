package dev.safedeploy.starter.gateway;

import com.slack.api.Slack;
import com.slack.api.app_backend.interactive_components.payload.BlockActionPayload;
import com.slack.api.app_backend.slash_commands.payload.SlashCommandPayload;
import com.slack.api.app_backend.slash_commands.response.SlashCommandResponse;
import com.slack.api.bolt.App;
import com.slack.api.bolt.AppConfig;
import com.slack.api.bolt.context.builtin.ActionContext;
import com.slack.api.bolt.context.builtin.SlashCommandContext;
import com.slack.api.bolt.middleware.builtin.SSLCheck;
import com.slack.api.bolt.request.builtin.BlockActionRequest;
import com.slack.api.bolt.request.builtin.SlashCommandRequest;
import com.slack.api.bolt.response.Response;
import com.slack.api.webhook.WebhookResponse;
import dev.safedeploy.starter.cli.CliFailure;
import dev.safedeploy.starter.cli.RunRef;
import dev.safedeploy.starter.runs.RunFailure;
import dev.safedeploy.starter.runs.RunService;
import dev.safedeploy.starter.runs.RunView;
import dev.safedeploy.workflows.activities.NotificationActivities.Notification;
import dev.safedeploy.workflows.pipeline.ApprovalDecision;
import dev.safedeploy.workflows.pipeline.ApprovalRecord;
import dev.safedeploy.workflows.pipeline.PipelineStatus;
import dev.safedeploy.workflows.pipeline.RollbackRequest;
import java.io.IOException;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Bolt app behind {@code /slack/actions} and {@code /slack/commands}: the Approve / Reject buttons and the
 * {@code /safedeploy} slash command, mapped to the run's validated {@code decide} update (or rollback, or status).
 * Bolt parses the payloads, acknowledges and answers at {@code response_url}; which Slack user may decide, and what
 * the message says afterwards, is ours.
 */
final class SlackApprovals {

  private static final Logger log = LoggerFactory.getLogger(SlackApprovals.class);

  /** What a slash command posted without a {@code command} field (any command whose URL is this one) counts as. */
  static final String SLASH_COMMAND = "/safedeploy";
  static final String COMMAND_HELP = "Usage: /safedeploy approve RUN [comment] | reject RUN [comment] | status RUN"
      + " | rollback RUN reason...   (RUN: deploy-<model>-<version> or <model>/<version>)";

  private final RunService runs;
  private final SlackUsers users;
  private final ApprovalPosts posts;
  private final GatewayMetrics metrics;
  private final Clock clock;
  private final SlackRequestVerification verification;
  private final App app;

  SlackApprovals(GatewayConfig config, Slack slack, RunService runs, SlackUsers users, ApprovalPosts posts,
      GatewayMetrics metrics, Clock clock) {
    this.runs = runs;
    this.users = users;
    this.posts = posts;
    this.metrics = metrics;
    this.clock = clock;
    AppConfig appConfig = AppConfig.builder()
        .signingSecret(config.signingSecret())
        .singleTeamBotToken(config.botToken())
        .threadPoolSize(2)
        // Slack needs only the ack for interactions that are not ours (other buttons, shortcuts)
        .unmatchedRequestHandler(req -> Response.ok())
        .build();
    // The middleware list is ours: Bolt's default one would call auth.test at start (the gateway must come up while
    // Slack is unreachable) and verify with its own RequestVerification (see SlackRequestVerification).
    this.verification = new SlackRequestVerification(config.signingSecret(), clock, metrics);
    this.app = new App(appConfig, slack, new ArrayList<>(List.of(new SSLCheck(null), verification)));
    app.blockAction(ApprovalMessages.APPROVE_ACTION, (req, ctx) -> click(true, req, ctx));
    app.blockAction(ApprovalMessages.REJECT_ACTION, (req, ctx) -> click(false, req, ctx));
    app.command(Pattern.compile(".*"), this::command);
  }

  App app() {
    return app;
  }

  /** The app's signature check, for what Bolt cannot parse (unsigned garbage is a 401, not a 400 or a 500). */
  SlackRequestVerification verification() {
    return verification;
  }

  /** A slash command request read from a body without {@code command} (the URL names the command). */
  static SlashCommandRequest slashCommand(SlashCommandRequest request) {
    SlashCommandPayload payload = request.getPayload();
    if (payload.getCommand() == null || payload.getCommand().isBlank()) {
      payload.setCommand(SLASH_COMMAND);
    }
    return request;
  }

  // ------------------------------------------------------------------ buttons

  record Click(boolean approve, String workflowId, String userId, String userName, String channel, String ts) {}

  private Response click(boolean approve, BlockActionRequest req, ActionContext ctx) {
    BlockActionPayload p = req.getPayload();
    BlockActionPayload.Action action = p.getActions().get(0);
    Click click = new Click(approve, action.getValue(),
        p.getUser() == null ? null : p.getUser().getId(), p.getUser() == null ? null : p.getUser().getUsername(),
        first(p.getContainer() == null ? null : p.getContainer().getChannelId(),
            p.getChannel() == null ? null : p.getChannel().getId()),
        first(p.getContainer() == null ? null : p.getContainer().getMessageTs(),
            p.getMessage() == null ? null : p.getMessage().getTs()));
    // Slack wants its ack within 3 s; the update and chat.update happen after it.
    app.executorService().submit(() -> decideFromButton(click));
    return ctx.ack();
  }

  private static String first(String... values) {
    for (String v : values) {
      if (v != null && !v.isBlank()) {
        return v;
      }
    }
    return null;
  }

  void decideFromButton(Click c) {
    String decisionName = c.approve() ? "approve" : "reject";
    try {
      Notification request = posts.requestOf(c.workflowId());
      Optional<String> approver = users.approver(c.userId());
      if (approver.isEmpty()) {
        metrics.decision("button", decisionName, "unmapped_user");
        posts.postEphemeral(c.channel(), c.userId(), "You (<@" + c.userId() + ">) are not mapped to a safedeploy "
            + "approver, so your " + decisionName + " was not sent. Ask an admin to add you to SAFEDEPLOY_SLACK_USERS.");
        return;
      }
      ApprovalDecision decision = new ApprovalDecision(c.approve(), approver.get(),
          "Slack button by " + (c.userName() != null ? c.userName() : c.userId()), "slack");
      try {
        ApprovalRecord record = runs.decide(c.workflowId(), decision);
        metrics.decision("button", decisionName, "accepted");
        String line = decidedLine(record, c.userId());
        posts.update(c.channel(), c.ts(), ApprovalMessages.decided(request, line), line);
      } catch (RunFailure f) {
        metrics.decision("button", decisionName, f.kind().name().toLowerCase());
        String line = ":warning: " + decisionName + " by <@" + c.userId() + "> (" + approver.get() + ") "
            + f.getMessage();
        posts.update(c.channel(), c.ts(), ApprovalMessages.refused(request, line), line);
      }
    } catch (RuntimeException e) {
      metrics.decision("button", decisionName, "error");
      log.error("handling the {} button for {} failed", decisionName, c.workflowId(), e);
    }
  }

  private String decidedLine(ApprovalRecord r, String slackUser) {
    return (r.approved() ? ":white_check_mark: *Approved*" : ":no_entry_sign: *Rejected*") + " by " + r.approver()
        + (slackUser == null ? "" : " (<@" + slackUser + ">)") + " via " + r.via() + " at "
        + (r.at() == null ? clock.instant() : r.at()).truncatedTo(ChronoUnit.SECONDS)
        + (r.comment() == null || r.comment().isBlank() ? "" : ": " + r.comment());
  }

  // ------------------------------------------------------------------ slash command

  private Response command(SlashCommandRequest req, SlashCommandContext ctx) {
    SlashCommandPayload p = req.getPayload();
    String text = p.getText() == null ? "" : p.getText().trim();
    String userId = p.getUserId();
    String[] words = text.isEmpty() ? new String[0] : text.split("\\s+", 3);
    if (words.length < 2 || words[0].equals("help")) {
      return ctx.ack(ephemeral(COMMAND_HELP));
    }
    String verb = words[0].toLowerCase();
    String rest = words.length > 2 ? words[2] : null;
    String workflowId;
    try {
      workflowId = RunRef.workflowId(words[1]);
    } catch (CliFailure e) {
      return ctx.ack(ephemeral(e.getMessage() + "\n" + COMMAND_HELP));
    }
    if (!List.of("approve", "reject", "status", "rollback").contains(verb)) {
      return ctx.ack(ephemeral("unknown subcommand '" + verb + "'\n" + COMMAND_HELP));
    }
    Supplier<SlashCommandResponse> run = () -> {
      try {
        return switch (verb) {
          case "approve", "reject" -> commandDecide(verb.equals("approve"), workflowId, userId, rest);
          case "rollback" -> commandRollback(workflowId, userId, rest);
          default -> ephemeral(statusLine(runs.view(workflowId)));
        };
      } catch (RunFailure f) {
        return ephemeral(f.getMessage());
      } catch (RuntimeException e) {
        log.error("/safedeploy {} failed", text, e);
        return ephemeral("failed: " + e.getMessage());
      }
    };
    if (ctx.getResponseUrl() == null || ctx.getResponseUrl().isBlank()) {
      return ctx.ack(run.get());
    }
    // Slack gives a slash command 3 s; the answer goes to response_url when it is ready.
    app.executorService().submit(() -> respond(ctx, run.get()));
    return ctx.ack(ephemeral("Working on `" + verb + " " + workflowId + "`..."));
  }

  private void respond(SlashCommandContext ctx, SlashCommandResponse answer) {
    try {
      WebhookResponse r = ctx.respond(answer);
      if (r.getCode() / 100 != 2) {
        metrics.slackApiError("response_url", "http_" + r.getCode());
      }
    } catch (IOException | RuntimeException e) {
      metrics.slackApiError("response_url", e.getClass().getSimpleName());
      log.warn("could not answer a slash command at its response_url: {}", e.getMessage());
    }
  }

  private SlashCommandResponse commandDecide(boolean approve, String workflowId, String userId, String comment) {
    String decisionName = approve ? "approve" : "reject";
    Optional<String> approver = users.approver(userId);
    if (approver.isEmpty()) {
      metrics.decision("command", decisionName, "unmapped_user");
      return ephemeral("You (<@" + userId + ">) are not mapped to a safedeploy approver; nothing was sent.");
    }
    ApprovalRecord record;
    try {
      record = runs.decide(workflowId, new ApprovalDecision(approve, approver.get(), comment, "slack"));
    } catch (RunFailure f) {
      metrics.decision("command", decisionName, f.kind().name().toLowerCase());
      String line = ":warning: " + decisionName + " by <@" + userId + "> (" + approver.get() + ") " + f.getMessage();
      posts.tryUpdate(workflowId, n -> ApprovalMessages.refused(n, line), line);
      return ephemeral(workflowId + ": " + f.getMessage());
    }
    metrics.decision("command", decisionName, "accepted");
    String line = decidedLine(record, userId);
    posts.tryUpdate(workflowId, n -> ApprovalMessages.decided(n, line), line);
    return inChannel(workflowId + ": " + line);
  }

  private SlashCommandResponse commandRollback(String workflowId, String userId, String reason) {
    Optional<String> operator = users.approver(userId);
    if (operator.isEmpty()) {
      return ephemeral("You (<@" + userId + ">) are not mapped to a safedeploy identity; nothing was sent.");
    }
    if (reason == null || reason.isBlank()) {
      return ephemeral("a rollback needs a reason: /safedeploy rollback " + workflowId + " <reason>");
    }
    runs.rollback(workflowId, new RollbackRequest(operator.get(), reason));
    return inChannel(workflowId + ": rollback requested by " + operator.get() + " (<@" + userId + ">): " + reason);
  }

  static String statusLine(RunView v) {
    PipelineStatus s = v.status();
    StringBuilder b = new StringBuilder();
    b.append('*').append(s.model()).append(' ').append(s.version()).append("* (`").append(v.workflowId())
        .append("`, ").append(v.executionStatus().toLowerCase()).append(")\nstage: ").append(s.stage());
    if (s.step() != null) {
      b.append(" - ").append(s.step());
    }
    if (s.stepEndsAt() != null) {
      b.append(" (until ").append(s.stepEndsAt().truncatedTo(ChronoUnit.SECONDS)).append(')');
    }
    if (s.traffic() != null && !s.traffic().isEmpty()) {
      b.append("\ntraffic: ");
      s.traffic().forEach((k, w) -> b.append(k).append(' ').append(w).append("% "));
    }
    if (s.approval() != null) {
      b.append("\napproval: ").append(s.approval().approved() ? "approved" : "rejected").append(" by ")
          .append(s.approval().approver()).append(" via ").append(s.approval().via());
    }
    if (s.alarms() != null && !s.alarms().isEmpty()) {
      b.append("\nalarms: ").append(s.alarms().size());
    }
    if (s.outcome() != null) {
      b.append("\noutcome: ").append(s.outcome()).append(s.reason() == null ? "" : " - " + s.reason());
    }
    return b.toString();
  }

  private static SlashCommandResponse ephemeral(String text) {
    return SlashCommandResponse.builder().responseType("ephemeral").text(text).build();
  }

  private static SlashCommandResponse inChannel(String text) {
    return SlashCommandResponse.builder().responseType("in_channel").text(text).build();
  }
}
