package dev.safedeploy.starter.cli;

import dev.safedeploy.workflows.client.TemporalConnection;
import dev.safedeploy.starter.gateway.GatewayConfig;
import dev.safedeploy.starter.gateway.SlackGateway;
import dev.safedeploy.starter.runs.RunService;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "gateway", description = "The Slack approval gateway: posts approval requests with Approve/Reject "
    + "buttons, serves Slack interactivity and the /safedeploy slash command, and Prometheus metrics on /metrics.",
    footer = {"", "Environment: SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET, SLACK_CHANNEL (required); SLACK_API_URL, "
        + "SAFEDEPLOY_GATEWAY_PORT (8088), SAFEDEPLOY_SLACK_USERS=\"U123=alice,U456=bob\", "
        + "SAFEDEPLOY_SLACK_USERS_FILE, SAFEDEPLOY_GATEWAY_TOKEN (bearer token for /internal/notify), "
        + "SAFEDEPLOY_GATEWAY_BIND (127.0.0.1; any other address requires SAFEDEPLOY_GATEWAY_TOKEN)."})
public class GatewayCommand extends ClientCommand {

  @Option(names = "--port", paramLabel = "PORT", description = "listen port (default SAFEDEPLOY_GATEWAY_PORT or 8088)")
  Integer port;

  @Option(names = "--bind", paramLabel = "ADDRESS", description = "listen address (default SAFEDEPLOY_GATEWAY_BIND or "
      + "127.0.0.1; anything but loopback requires SAFEDEPLOY_GATEWAY_TOKEN)")
  String bind;

  private GatewayConfig config;

  @Override
  protected int validate() {
    try {
      java.util.Map<String, String> env = new java.util.HashMap<>(env());
      if (bind != null) {
        env.put("SAFEDEPLOY_GATEWAY_BIND", bind);
      }
      config = GatewayConfig.fromEnv(env, port);
    } catch (IllegalArgumentException e) {
      throw CliFailure.badArguments(e.getMessage());
    }
    return -1;
  }

  @Override
  protected int run(TemporalConnection conn, RunService runs) throws Exception {
    CountDownLatch stopped = new CountDownLatch(1);
    try (SlackGateway gateway = SlackGateway.create(config, runs).start()) {
      Runtime.getRuntime().addShutdownHook(new Thread(stopped::countDown, "gateway-shutdown"));
      out().println("gateway on port " + gateway.port() + ", Temporal " + conn.address() + "/" + conn.namespace()
          + "; POST /internal/notify, /slack/actions, /slack/commands; GET /metrics");
      out().flush();
      stopped.await();
    }
    return ExitCodes.OK;
  }
}
