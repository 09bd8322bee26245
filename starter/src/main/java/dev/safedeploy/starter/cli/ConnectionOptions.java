package dev.safedeploy.starter.cli;

import java.time.Duration;
import picocli.CommandLine.Option;

/** Connection overrides, accepted before the subcommand (global) and after it. */
public class ConnectionOptions {

  @Option(names = "--address", paramLabel = "HOST:PORT",
      description = "Temporal frontend (default: TEMPORAL_ADDRESS, the temporal.toml profile, or 127.0.0.1:7233)")
  String address;

  @Option(names = "--namespace", paramLabel = "NS",
      description = "Temporal namespace (default: TEMPORAL_NAMESPACE, the temporal.toml profile, or 'default')")
  String namespace;

  @Option(names = "--connect-timeout", paramLabel = "DURATION", converter = Durations.class,
      description = "how long to wait for the server before giving up with exit code 4 (default 5s)")
  Duration connectTimeout;
}
