package dev.safedeploy.worker.cli;

import dev.safedeploy.activities.aws.AwsBackendConfig;
import dev.safedeploy.activities.aws.AwsClients;
import dev.safedeploy.activities.aws.cleanup.AwsTeardown;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code safedeploy teardown MODEL [--apply]}: everything a model left on AWS (stacks, endpoints, endpoint configs,
 * SageMaker models of every version, the worker-made alarms), read from the AWS backend's environment. A dry run by
 * default: it lists, and deletes only with {@code --apply}.
 */
@Command(name = "teardown", mixinStandardHelpOptions = true,
    header = "List (dry run) or delete (--apply) everything a model left on AWS.",
    description = "List (dry run) or delete (--apply) everything MODEL left on AWS (SAFEDEPLOY_BACKEND=aws settings).")
public final class TeardownCommand implements Callable<Integer> {

  @Parameters(index = "0", paramLabel = "MODEL", description = "The pipeline's model name")
  String model;

  @Option(names = "--apply", description = "Delete what is listed (default: only list it)")
  boolean apply;

  @Override
  public Integer call() {
    AwsBackendConfig config = AwsBackendConfig.fromEnv();
    AwsTeardown teardown = new AwsTeardown(AwsClients.create(config), config);
    AwsTeardown.Plan plan = teardown.plan(model);
    if (plan.isEmpty()) {
      System.out.println("nothing of model " + model + " is left on AWS (" + config.region() + ")");
    } else {
      System.out.println((apply ? "deleting" : "would delete (dry run; --apply deletes)") + ", model " + model
          + " in " + config.region() + ":");
      plan.lines().forEach(l -> System.out.println("  " + l));
    }
    plan.retainedKeys().forEach(k -> System.out.println("  kept: KMS key " + k + " (data capture in S3 is encrypted "
        + "with it; aws kms schedule-key-deletion --key-id " + k + " once the capture is no longer needed)"));
    if (apply && !plan.isEmpty()) {
      teardown.apply(plan);
      System.out.println("done");
    }
    return 0;
  }
}
