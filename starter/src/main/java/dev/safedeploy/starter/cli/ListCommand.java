package dev.safedeploy.starter.cli;

import dev.safedeploy.workflows.client.TemporalConnection;
import dev.safedeploy.starter.runs.RunFilter;
import dev.safedeploy.starter.runs.RunList;
import dev.safedeploy.starter.runs.RunService;
import dev.safedeploy.workflows.pipeline.Outcome;
import dev.safedeploy.workflows.pipeline.Stage;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "list", description = "List runs, newest first, filtered by model, stage or outcome (a visibility "
    + "query on a real server; open+closed listing on the embedded dev server).")
public class ListCommand extends ClientCommand {

  @Option(names = "--model", paramLabel = "MODEL", description = "only this model")
  String model;

  @Option(names = "--stage", paramLabel = "STAGE", description = "only runs in this stage (${COMPLETION-CANDIDATES})")
  Stage stage;

  @Option(names = "--outcome", paramLabel = "OUTCOME",
      description = "only runs with this outcome (${COMPLETION-CANDIDATES})")
  Outcome outcome;

  @Option(names = "--json", description = "print JSON: {query, source, runs: [...]}")
  boolean json;

  private RunFilter filter;

  @Override
  protected int validate() {
    try {
      filter = new RunFilter(model, stage, outcome);
    } catch (IllegalArgumentException e) {
      throw CliFailure.badArguments(e.getMessage());
    }
    return -1;
  }

  @Override
  protected int run(TemporalConnection conn, RunService runs) {
    RunList list = runs.list(filter);
    if (json) {
      out().println(Json.write(list));
    } else {
      if (!"visibility-query".equals(list.source())) {
        err().println("note: this server cannot run visibility queries (the embedded dev server); listed open and "
            + "closed runs and filtered them here");
        err().flush();
      }
      Render.list(out(), list);
    }
    return ExitCodes.OK;
  }
}
