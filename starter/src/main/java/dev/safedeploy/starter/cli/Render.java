package dev.safedeploy.starter.cli;

import dev.safedeploy.workflows.pipeline.DurationText;
import dev.safedeploy.starter.runs.AuditEntry;
import dev.safedeploy.starter.runs.AuditTrail;
import dev.safedeploy.starter.runs.RunList;
import dev.safedeploy.starter.runs.RunSummary;
import dev.safedeploy.starter.runs.RunView;
import dev.safedeploy.workflows.pipeline.AlarmRecord;
import dev.safedeploy.workflows.pipeline.ApprovalRecord;
import dev.safedeploy.workflows.judge.Judgement;
import dev.safedeploy.workflows.judge.MetricJudgement;
import dev.safedeploy.workflows.pipeline.PipelineStatus;
import dev.safedeploy.workflows.pipeline.ProdLease;
import dev.safedeploy.workflows.pipeline.StageRecord;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** Human-readable output of the read commands. */
final class Render {

  private Render() {}

  static String time(Instant t) {
    return t == null ? "-" : t.truncatedTo(ChronoUnit.SECONDS).toString();
  }

  static String traffic(Map<String, Integer> traffic) {
    if (traffic == null || traffic.isEmpty()) {
      return "-";
    }
    return traffic.entrySet().stream().map(e -> e.getKey() + " " + e.getValue() + "%")
        .collect(Collectors.joining(" | "));
  }

  static String approval(ApprovalRecord a) {
    if (a == null) {
      return "-";
    }
    return (a.approved() ? "approved" : "rejected") + " by " + a.approver() + " via " + a.via() + " at "
        + time(a.at()) + (a.comment() == null || a.comment().isBlank() ? "" : " \"" + a.comment() + "\"");
  }

  static String alarm(AlarmRecord a) {
    return a.alarmName() + " " + a.state() + " at " + time(a.transitionedAt()) + " (" + a.source()
        + (a.action() == null ? "" : ", " + a.action()) + ")" + (a.reason() == null ? "" : ": " + a.reason());
  }

  /** A text progress bar: {@code [#########-----------]  45%}. */
  static String bar(double fraction, int width) {
    double f = Math.max(0, Math.min(1, fraction));
    int filled = (int) Math.round(f * width);
    return "[" + "#".repeat(filled) + "-".repeat(width - filled) + "] " + String.format("%3d%%", Math.round(f * 100));
  }

  static void status(PrintWriter out, RunView v) {
    PipelineStatus s = v.status();
    out.printf("run       %s  (%s, run id %s)%n", v.workflowId(), v.executionStatus(), v.runId());
    out.printf("model     %s  version %s  requested by %s%n", s.model(), s.version(),
        s.requestedBy() == null ? "-" : s.requestedBy());
    String step = s.step() == null ? "" : " - " + s.step();
    String ends = s.stepEndsAt() == null ? ""
        : " (" + DurationText.format(Duration.between(Instant.now(), s.stepEndsAt())) + " left, until "
            + time(s.stepEndsAt()) + ")";
    out.printf("stage     %s%s%s%n", s.stage() == null ? "-" : s.stage(), step, ends);
    if (s.validationRmse() != null || s.liveRmse() != null) {
      out.printf("rmse      %s (live model: %s)%n", num(s.validationRmse()), num(s.liveRmse()));
    }
    if (s.devEndpoint() != null || s.prodEndpoint() != null) {
      out.printf("endpoints dev %s, prod %s%n", s.devEndpoint() == null ? "-" : s.devEndpoint(),
          s.prodEndpoint() == null ? "-" : s.prodEndpoint());
    }
    String steps = s.trafficSteps() == null || s.trafficSteps().isEmpty() ? ""
        : "  step " + s.trafficStep() + "/" + s.trafficSteps().size() + " of " + s.trafficSteps().stream()
            .map(p -> p + "%").collect(Collectors.joining(" > "));
    out.printf("traffic   %s%s%s%n", traffic(s.traffic()), steps,
        s.blueVersion() == null ? "" : "  (blue: " + s.blueVersion() + ")");
    if (s.prodLease() != null) {
      ProdLease l = s.prodLease();
      out.printf("lease     %s %s%s%n", l.endpoint(), l.state(), l.holderWorkflowId() == null ? ""
          : (l.state() == ProdLease.State.HELD ? "" : ", held by " + l.holderWorkflowId() + " (" + l.holderVersion()
              + ")") + (l.position() > 0 ? ", place " + l.position() + " in line" : ""));
    }
    out.printf("approval  %s%n", approval(s.approval()));
    List<ApprovalRecord> refused = s.refusedDecisions() == null ? List.of() : s.refusedDecisions();
    for (ApprovalRecord r : refused) {
      out.printf("  refused %s by %s via %s at %s: %s%n", r.approved() ? "approve" : "reject", r.approver(), r.via(),
          time(r.at()), r.refusal());
    }
    List<AlarmRecord> alarms = s.alarms() == null ? List.of() : s.alarms();
    out.printf("alarms    %s%n", alarms.isEmpty() ? "none" : alarms.size() + " seen");
    alarms.forEach(a -> out.printf("  %s%n", alarm(a)));
    judge(out, s);
    out.printf("outcome   %s%s%n", s.outcome() == null ? "-" : s.outcome(),
        s.reason() == null ? "" : ": " + s.reason());
    if (s.alarmToBlueMillis() != null) {
      out.printf("          alarm to 100%% blue in %d ms%n", s.alarmToBlueMillis());
    }
    if (!"query".equals(v.source())) {
      out.printf("note      details from the run's %s (no worker answered the status query)%n", v.source());
    }
    List<StageRecord> stages = s.stages() == null ? List.of() : s.stages();
    if (!stages.isEmpty()) {
      out.println();
      out.printf("%-15s %-21s %-21s %-9s %s%n", "STAGE", "STARTED", "ENDED", "DURATION", "NOTE");
      for (StageRecord r : stages) {
        Instant end = r.endedAt() != null ? r.endedAt() : v.closed() ? null : Instant.now();
        String duration = r.startedAt() == null || end == null ? "-"
            : DurationText.format(Duration.between(r.startedAt(), end)) + (r.endedAt() == null ? "+" : "");
        out.printf("%-15s %-21s %-21s %-9s %s%n", r.stage(), time(r.startedAt()),
            r.endedAt() == null ? (v.closed() ? "-" : "running") : time(r.endedAt()), duration,
            r.note() == null ? "" : r.note());
      }
    }
    out.flush();
  }

  /** The canary judge's judgements, each metric's evidence under it, and any decision on a marginal one. */
  static void judge(PrintWriter out, PipelineStatus s) {
    List<Judgement> judgements = s.judgements() == null ? List.of() : s.judgements();
    if (judgements.isEmpty() && s.judgeReview() == null) {
      return;
    }
    out.printf("judge     %d judgement%s%n", judgements.size(), judgements.size() == 1 ? "" : "s");
    for (Judgement j : judgements) {
      out.printf("  %s: %s%s, window %s - %s%n", j.step(), j.verdict(),
          j.score() == null ? "" : String.format(" (score %.0f)", j.score()), time(j.from()), time(j.to()));
      for (MetricJudgement m : j.metrics()) {
        out.printf("    %-17s %-12s blue %d / green %d: %s%n", m.metric(), m.verdict(), m.blueSamples(),
            m.greenSamples(), m.detail() == null ? "" : m.detail());
      }
      if (j.metrics().isEmpty() && j.reason() != null) {
        out.printf("    %s%n", j.reason());
      }
    }
    if (s.judgeReview() != null) {
      out.printf("  waiting for a decision on the marginal judgement at %s: approve goes on, reject rolls back%n",
          s.judgeReview().step());
    }
    List<ApprovalRecord> decisions = s.judgeDecisions() == null ? List.of() : s.judgeDecisions();
    for (ApprovalRecord r : decisions) {
      out.printf("  marginal judgement %s by %s via %s at %s%s%n", r.approved() ? "approved" : "rejected",
          r.approver(), r.via(), time(r.at()), r.comment() == null || r.comment().isBlank() ? ""
              : ": " + r.comment());
    }
  }

  static void list(PrintWriter out, RunList list) {
    if (list.runs().isEmpty()) {
      out.println("no runs");
    } else {
      out.printf("%-32s %-15s %-12s %-15s %-20s %-10s %s%n", "RUN", "MODEL", "VERSION", "STAGE", "OUTCOME",
          "STATUS", "STARTED");
      for (RunSummary r : list.runs()) {
        out.printf("%-32s %-15s %-12s %-15s %-20s %-10s %s%n", r.workflowId(), dash(r.model()), dash(r.version()),
            dash(r.stage()), dash(r.outcome()), r.executionStatus(), time(r.startTime()));
      }
    }
    out.flush();
  }

  static void history(PrintWriter out, AuditTrail trail) {
    out.printf("audit trail of %s (run %s, %s)%n", trail.workflowId(), trail.runId(), trail.executionStatus());
    for (AuditEntry e : trail.entries()) {
      out.printf("%-21s %-18s %-12s %s%n", time(e.at()), e.kind(), dash(e.actor()), e.detail() == null ? ""
          : e.detail());
    }
    out.flush();
  }

  private static String dash(String s) {
    return s == null || s.isBlank() ? "-" : s;
  }

  private static String num(Double d) {
    return d == null ? "-" : String.format("%.4f", d);
  }
}
