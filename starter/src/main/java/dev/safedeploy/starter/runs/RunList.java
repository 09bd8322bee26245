package dev.safedeploy.starter.runs;

import java.util.List;

/**
 * What {@code list} found and how.
 *
 * @param source "visibility-query" on a server with advanced visibility, "open+closed listing" on one without
 *     (the embedded dev server), where filtering happened client-side
 */
public record RunList(String query, String source, List<RunSummary> runs) {}
