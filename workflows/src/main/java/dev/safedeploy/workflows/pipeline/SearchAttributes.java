package dev.safedeploy.workflows.pipeline;

import io.temporal.common.SearchAttributeKey;
import java.util.List;

/**
 * The typed search attributes every run keeps current, so the Temporal Web UI and {@code safedeploy list} can filter.
 * They must be registered on the namespace (the dev server does it at start; see README for a real server).
 */
public final class SearchAttributes {

  public static final SearchAttributeKey<String> MODEL = SearchAttributeKey.forKeyword("SafedeployModel");
  public static final SearchAttributeKey<String> VERSION = SearchAttributeKey.forKeyword("SafedeployVersion");
  public static final SearchAttributeKey<String> STAGE = SearchAttributeKey.forKeyword("SafedeployStage");
  public static final SearchAttributeKey<String> OUTCOME = SearchAttributeKey.forKeyword("SafedeployOutcome");

  public static final List<SearchAttributeKey<String>> ALL = List.of(MODEL, VERSION, STAGE, OUTCOME);

  private SearchAttributes() {}
}
