package dev.safedeploy.starter.fake;

import java.util.List;

/** Stands in for dev.safedeploy.worker.WorkerCli: records what the starter forwarded. */
public final class FakeWorkerCli {

  public static volatile List<String> lastArgs;

  private FakeWorkerCli() {}

  public static int run(String... args) {
    lastArgs = List.of(args);
    return args.length > 1 && args[1].equals("--fail") ? 7 : 0;
  }
}
