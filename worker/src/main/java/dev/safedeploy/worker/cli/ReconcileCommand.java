package dev.safedeploy.worker.cli;

import dev.safedeploy.platform.client.PlatformClient;
import dev.safedeploy.worker.config.WorkerConfig;
import dev.safedeploy.worker.reconcile.OpenRuns;
import dev.safedeploy.worker.reconcile.Reconciler;
import dev.safedeploy.workflows.client.TemporalConnection;
import dev.safedeploy.workflows.json.JsonMapping;
import java.net.URI;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "reconcile", mixinStandardHelpOptions = true,
    header = "List (--apply: remove) local platform resources that no open run owns.", description = "List what the pipeline left on the local "
    + "platform that no open run owns (dev endpoints of ended runs, 0% production variants, canary alarms of gone "
    + "variants, drift schedules of versions not live); --apply removes them. Exit 0: nothing left (or all removed); "
    + "1: orphans listed and kept, or a removal failed.")
public final class ReconcileCommand implements Callable<Integer> {

  @Option(names = "--apply", description = "remove the orphans (default: only list them)")
  boolean apply;

  @Option(names = "--json", description = "print the report as one JSON object")
  boolean json;

  @Override
  public Integer call() throws Exception {
    WorkerConfig config = WorkerConfig.fromEnv();
    try (TemporalConnection connection = config.connect(null)) {
      Reconciler reconciler = new Reconciler(PlatformClient.forHome(URI.create(config.platformUrl()),
          config.home().resolve("platform")),
          new OpenRuns(connection.client()));
      Reconciler.Report report = apply ? reconciler.apply()
          : new Reconciler.Report(reconciler.orphans(), List.of(), List.of());
      if (json) {
        System.out.println(JsonMapping.mapper().writeValueAsString(report));
      } else {
        System.out.print(render(report, apply));
      }
      if (!report.failed().isEmpty()) {
        return 1;
      }
      return report.orphans().isEmpty() || apply ? 0 : 1;
    }
  }

  static String render(Reconciler.Report report, boolean applied) {
    StringBuilder s = new StringBuilder();
    if (report.orphans().isEmpty()) {
      return "reconcile: nothing on the platform without an owner\n";
    }
    for (Reconciler.Orphan o : report.orphans()) {
      s.append(String.format("%-9s %-40s %s%n", o.kind(), o.name(), o.why()));
    }
    if (applied) {
      s.append("removed ").append(report.removed().size()).append(" of ").append(report.orphans().size()).append('\n');
      report.failed().forEach(f -> s.append("failed: ").append(f).append('\n'));
    } else {
      s.append(report.orphans().size()).append(" without an owner; `safedeploy reconcile --apply` removes them\n");
    }
    return s.toString();
  }
}
