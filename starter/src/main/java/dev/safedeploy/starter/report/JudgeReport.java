package dev.safedeploy.starter.report;

import dev.safedeploy.starter.runs.RunView;
import dev.safedeploy.workflows.judge.JudgeMetric;
import dev.safedeploy.workflows.judge.Judgement;
import dev.safedeploy.workflows.judge.MetricJudgement;
import dev.safedeploy.workflows.judge.Verdict;
import dev.safedeploy.workflows.pipeline.AlarmRecord;
import dev.safedeploy.workflows.pipeline.ApprovalRecord;
import dev.safedeploy.workflows.pipeline.PipelineStatus;
import dev.safedeploy.workflows.pipeline.StageRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One run's canary evidence as a self-contained HTML page: the run, its stages, and per judged step the judge's
 * verdict, every metric's test and p-value, and blue's against green's distribution (latency, answers, mirrored
 * answers) drawn from the quantiles the judge kept. No scripts and no external resources, so it opens anywhere and can
 * be attached to a ticket.
 */
public final class JudgeReport {

  private JudgeReport() {}

  public static String html(RunView view, Instant generatedAt) {
    PipelineStatus s = view.status();
    StringBuilder h = new StringBuilder(16_384);
    String title = "safedeploy report: " + view.workflowId();
    h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>").append(Html.escape(title))
        .append("</title><style>").append(CSS).append("</style></head><body>\n");
    h.append("<h1>").append(Html.escape(title)).append("</h1>\n");
    run(h, view, generatedAt);
    if (s == null) {
      h.append("<p class=\"note\">The run's status could not be read (").append(Html.escape(view.source()))
          .append("); there is nothing to report beyond the execution above.</p>\n");
    } else {
      stages(h, s);
      judgements(h, s);
      alarms(h, s);
    }
    h.append("</body></html>\n");
    return h.toString();
  }

  private static void run(StringBuilder h, RunView view, Instant generatedAt) {
    PipelineStatus s = view.status();
    h.append("<table class=\"kv\">\n");
    row(h, "run", view.workflowId() + " (" + view.runId() + ")");
    row(h, "execution", view.executionStatus());
    if (s != null) {
      row(h, "model", s.model() + " " + s.version() + (s.blueVersion() == null ? ", first deployment"
          : ", blue " + s.blueVersion()));
      row(h, "requested by", s.requestedBy());
      row(h, "stage", s.stage() + (s.step() == null ? "" : " (" + s.step() + ")"));
      row(h, "outcome", s.outcome() == null ? "(running)" : s.outcome() + (s.reason() == null ? "" : ": " + s.reason()));
      row(h, "traffic", s.traffic() == null ? "" : weights(s.traffic()));
      row(h, "traffic steps", s.trafficSteps() == null ? "" : s.trafficSteps() + " % green");
    }
    row(h, "started", view.startTime());
    row(h, "closed", view.closeTime());
    row(h, "generated", generatedAt);
    h.append("</table>\n");
  }

  private static void stages(StringBuilder h, PipelineStatus s) {
    List<StageRecord> stages = s.stages() == null ? List.of() : s.stages();
    if (stages.isEmpty()) {
      return;
    }
    h.append("<h2>Stages</h2>\n<table><tr><th>stage</th><th>started</th><th>ended</th><th>took</th><th>note</th>"
        + "</tr>\n");
    for (StageRecord r : stages) {
      h.append("<tr><td>").append(Html.escape(r.stage())).append("</td><td>").append(Html.escape(r.startedAt()))
          .append("</td><td>").append(Html.escape(r.endedAt())).append("</td><td>")
          .append(r.startedAt() != null && r.endedAt() != null
              ? Html.escape(took(Duration.between(r.startedAt(), r.endedAt()))) : "")
          .append("</td><td>").append(Html.escape(r.note())).append("</td></tr>\n");
    }
    h.append("</table>\n");
  }

  private static void judgements(StringBuilder h, PipelineStatus s) {
    List<Judgement> judgements = s.judgements();
    h.append("<h2>Canary judgements</h2>\n");
    if (judgements.isEmpty()) {
      h.append("<p class=\"note\">No judgements: the judge is off in this run's policy, or the run did not reach a"
          + " bake with blue and green side by side.</p>\n");
    }
    for (Judgement j : judgements) {
      h.append("<section class=\"judgement\"><h3>").append(Html.escape(j.step())).append(" &mdash; ")
          .append(badge(j.verdict())).append(j.score() == null ? "" : fmt(" score %.0f", j.score())).append("</h3>\n");
      h.append("<p>window ").append(Html.escape(j.from())).append(" &ndash; ").append(Html.escape(j.to()))
          .append("<br>").append(Html.escape(j.reason())).append("</p>\n");
      if (!j.metrics().isEmpty()) {
        metricTable(h, j.metrics());
        h.append("<div class=\"plots\">\n");
        for (MetricJudgement m : j.metrics()) {
          plot(h, m);
        }
        h.append("</div>\n");
      }
      h.append("</section>\n");
    }
    if (s.judgeReview() != null) {
      h.append("<p class=\"note\">Waiting for a decision on the marginal judgement at ")
          .append(Html.escape(s.judgeReview().step())).append(": approve goes on, reject rolls back.</p>\n");
    }
    for (ApprovalRecord r : s.judgeDecisions()) {
      h.append("<p>Marginal judgement ").append(r.approved() ? "approved" : "rejected").append(" by ")
          .append(Html.escape(r.approver())).append(" via ").append(Html.escape(r.via())).append(" at ")
          .append(Html.escape(r.at())).append(r.comment() == null || r.comment().isBlank() ? ""
              : ": " + Html.escape(r.comment())).append("</p>\n");
    }
  }

  private static void metricTable(StringBuilder h, List<MetricJudgement> metrics) {
    h.append("<table><tr><th>metric</th><th>verdict</th><th>blue n</th><th>green n</th><th>test</th>"
        + "<th>statistic</th><th>p</th><th>blue</th><th>green</th><th>detail</th></tr>\n");
    for (MetricJudgement m : metrics) {
      h.append("<tr><td>").append(m.metric()).append("</td><td>").append(badge(m.verdict())).append("</td><td>")
          .append(m.blueSamples()).append("</td><td>").append(m.greenSamples()).append("</td><td>")
          .append(Html.escape(m.test())).append("</td><td>").append(num(m.statistic())).append("</td><td>")
          .append(m.pValue() == null ? "" : fmt("%.3g", m.pValue())).append("</td><td>")
          .append(value(m.metric(), m.blueValue())).append("</td><td>").append(value(m.metric(), m.greenValue()))
          .append("</td><td>").append(Html.escape(m.detail())).append("</td></tr>\n");
    }
    h.append("</table>\n");
  }

  private static void plot(StringBuilder h, MetricJudgement m) {
    String title = m.metric() + ": blue vs green";
    String svg = m.metric() == JudgeMetric.ERROR_RATE ? errorBars(m)
        : DistributionPlot.svg(title, unit(m.metric()), m.blueQuantiles(), m.greenQuantiles());
    if (svg == null) {
      return;
    }
    h.append("<figure>").append(svg).append("<figcaption>").append(Html.escape(title)).append(" (")
        .append(m.metric() == JudgeMetric.ERROR_RATE ? "5xx share"
            : "cumulative share of " + (m.metric() == JudgeMetric.PREDICTION_PAIRED ? "mirrored rows" : "requests"))
        .append("; <span style=\"color:").append(DistributionPlot.BLUE).append("\">blue</span>, <span style=\"color:")
        .append(DistributionPlot.GREEN).append("\">green</span>)</figcaption></figure>\n");
  }

  /** Two bars: each side's 5xx share, scaled to the larger (a share has no distribution worth a curve). */
  private static String errorBars(MetricJudgement m) {
    if (m.blueValue() == null || m.greenValue() == null) {
      return null;
    }
    double max = Math.max(Math.max(m.blueValue(), m.greenValue()), 1e-9);
    StringBuilder s = new StringBuilder("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"420\" height=\"80\""
        + " role=\"img\" aria-label=\"ERROR_RATE\">");
    double[] v = {m.blueValue(), m.greenValue()};
    String[] colour = {DistributionPlot.BLUE, DistributionPlot.GREEN};
    String[] name = {"blue", "green"};
    for (int i = 0; i < 2; i++) {
      double w = 300 * v[i] / max;
      s.append(fmt("<text x=\"4\" y=\"%d\" font-size=\"11\">%s</text><rect class=\"%s\" x=\"48\" y=\"%d\""
              + " width=\"%.1f\" height=\"22\" fill=\"%s\"/><text x=\"%.1f\" y=\"%d\" font-size=\"11\">%.2f%%</text>",
          24 + 34 * i, name[i], name[i], 8 + 34 * i, Math.max(w, 1), colour[i], 54 + Math.max(w, 1), 24 + 34 * i,
          100 * v[i]));
    }
    return s.append("</svg>").toString();
  }

  private static void alarms(StringBuilder h, PipelineStatus s) {
    List<AlarmRecord> alarms = s.alarms() == null ? List.of() : s.alarms();
    if (alarms.isEmpty()) {
      return;
    }
    h.append("<h2>Alarms</h2>\n<table><tr><th>alarm</th><th>state</th><th>transitioned</th><th>source</th>"
        + "<th>action</th><th>reason</th></tr>\n");
    for (AlarmRecord a : alarms) {
      h.append("<tr><td>").append(Html.escape(a.alarmName())).append("</td><td>").append(Html.escape(a.state()))
          .append("</td><td>").append(Html.escape(a.transitionedAt())).append("</td><td>")
          .append(Html.escape(a.source())).append("</td><td>").append(Html.escape(a.action())).append("</td><td>")
          .append(Html.escape(a.reason())).append("</td></tr>\n");
    }
    h.append("</table>\n");
  }

  private static String unit(JudgeMetric m) {
    return switch (m) {
      case LATENCY_P50, LATENCY_P99 -> "latency (ms)";
      case PREDICTION -> "answer";
      case PREDICTION_PAIRED -> "answer on the same mirrored rows";
      case ERROR_RATE -> "5xx share";
    };
  }

  private static String value(JudgeMetric m, Double v) {
    if (v == null) {
      return "";
    }
    return switch (m) {
      case ERROR_RATE -> fmt("%.2f%%", 100 * v);
      case LATENCY_P50, LATENCY_P99 -> DistributionPlot.number(v) + " ms";
      default -> DistributionPlot.number(v);
    };
  }

  private static String num(Double v) {
    return v == null ? "" : DistributionPlot.number(v);
  }

  private static String badge(Verdict v) {
    String css = v == null ? "none" : v.name().toLowerCase(Locale.ROOT);
    return "<span class=\"verdict " + css + "\">" + (v == null ? "" : v.name()) + "</span>";
  }

  private static void row(StringBuilder h, String key, Object value) {
    h.append("<tr><th>").append(Html.escape(key)).append("</th><td>").append(Html.escape(value))
        .append("</td></tr>\n");
  }

  private static String weights(Map<String, Integer> traffic) {
    StringBuilder b = new StringBuilder();
    traffic.forEach((k, v) -> b.append(b.length() == 0 ? "" : ", ").append(k).append(' ').append(v).append('%'));
    return b.toString();
  }

  private static String took(Duration d) {
    long ms = d.toMillis();
    return ms < 1_000 ? ms + " ms" : ms < 120_000 ? fmt("%.1f s", ms / 1000.0) : fmt("%.1f min", ms / 60_000.0);
  }

  private static String fmt(String format, Object... args) {
    return String.format(Locale.ROOT, format, args);
  }

  private static final String CSS = "body{font-family:system-ui,sans-serif;margin:24px;color:#222}"
      + "table{border-collapse:collapse;margin:8px 0 16px}th,td{border:1px solid #ddd;padding:3px 8px;"
      + "font-size:13px;text-align:left;vertical-align:top}table.kv th{background:#f4f4f4}"
      + ".verdict{font-weight:600;padding:1px 6px;border-radius:4px}.pass{background:#d8f5df}"
      + ".fail{background:#fbd9d9}.marginal{background:#fff1c2}.inconclusive{background:#e8e8e8}"
      + ".plots{display:flex;flex-wrap:wrap;gap:16px}figure{margin:0}figcaption{font-size:12px}"
      + ".note{color:#555;font-style:italic}section.judgement{border-top:1px solid #ccc;margin-top:12px}";
}
