package dev.safedeploy.starter.cli;

import dev.safedeploy.workflows.pipeline.PipelineRequest;
import java.util.List;

/** A run as people name it: its workflow id, {@code model/version}, or {@code model version}. */
public final class RunRef {

  private RunRef() {}

  public static final String DESCRIPTION =
      "the run: workflow id (deploy-<model>-<version>), <model>/<version>, or <model> <version>";

  public static String workflowId(List<String> words) {
    if (words == null || words.isEmpty()) {
      throw CliFailure.badArguments("missing run: give a workflow id, <model>/<version>, or <model> <version>");
    }
    if (words.size() == 2) {
      return PipelineRequest.workflowId(words.get(0), words.get(1));
    }
    if (words.size() > 2) {
      throw CliFailure.badArguments("too many words for a run: " + String.join(" ", words));
    }
    return workflowId(words.get(0));
  }

  public static String workflowId(String word) {
    String w = word.trim();
    if (w.isEmpty()) {
      throw CliFailure.badArguments("empty run name");
    }
    int slash = w.indexOf('/');
    if (slash > 0 && slash == w.lastIndexOf('/') && slash < w.length() - 1) {
      return PipelineRequest.workflowId(w.substring(0, slash), w.substring(slash + 1));
    }
    if (slash >= 0) {
      throw CliFailure.badArguments("'" + word + "' is not <model>/<version>");
    }
    return w;
  }
}
