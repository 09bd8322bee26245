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
 * default: it lists, and deletes only with {@code --apply}; the capture keys the prod stacks retain are scheduled for
 * deletion only with {@code --delete-keys} as well, since the captured data cannot be read without them.
 */
@Command(name = "teardown", mixinStandardHelpOptions = true,
    header = "List (dry run) or delete (--apply) everything a model left on AWS.",
    description = "List (dry run) or delete (--apply) everything MODEL left on AWS (SAFEDEPLOY_BACKEND=aws settings).")
public final class TeardownCommand implements Callable<Integer> {

  @Parameters(index = "0", paramLabel = "MODEL", description = "The pipeline's model name")
  String model;

  @Option(names = "--apply", description = "Delete what is listed (default: only list it)")
  boolean apply;

  @Option(names = "--delete-keys", description = "With --apply, also schedule the data-capture KMS keys the prod "
      + "stacks retained for deletion (captured data in S3 encrypted with them becomes unreadable once they are gone)")
  boolean deleteKeys;

  @Option(names = "--key-deletion-days", paramLabel = "DAYS", defaultValue = "30",
      description = "KMS's waiting period before a scheduled key is deleted, 7-30 (default: ${DEFAULT-VALUE}); "
          + "aws kms cancel-key-deletion undoes it until then")
  int keyDeletionDays;

  @Override
  public Integer call() {
    if (keyDeletionDays < 7 || keyDeletionDays > 30) {
      System.err.println("safedeploy teardown: --key-deletion-days must be 7 to 30, got " + keyDeletionDays);
      return 2;
    }
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
    boolean keys = apply && deleteKeys;
    plan.retainedKeys().forEach(k -> System.out.println(keys
        ? "  KMS key " + k + ": scheduled for deletion in " + keyDeletionDays + " days (aws kms cancel-key-deletion "
            + "--key-id " + k + " undoes it until then)"
        : "  kept: KMS key " + k + " (data capture in S3 is encrypted with it; --apply --delete-keys schedules its "
            + "deletion once the capture is no longer needed)"));
    if (apply && (!plan.isEmpty() || keys && !plan.retainedKeys().isEmpty())) {
      teardown.apply(plan, keys ? keyDeletionDays : null);
      System.out.println("done");
    }
    return 0;
  }
}
