/** {@code safedeploy report}: a run's canary judgements as a self-contained HTML page (inline SVG, no scripts). */
package dev.safedeploy.starter.report;
