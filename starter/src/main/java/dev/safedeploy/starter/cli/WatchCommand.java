package dev.safedeploy.starter.cli;

import dev.safedeploy.workflows.pipeline.DurationText;
import dev.safedeploy.workflows.client.TemporalConnection;
import dev.safedeploy.starter.runs.RunService;
import dev.safedeploy.starter.runs.RunView;
import dev.safedeploy.workflows.pipeline.AlarmRecord;
import dev.safedeploy.workflows.pipeline.PipelineStatus;
import dev.safedeploy.workflows.pipeline.Stage;
import dev.safedeploy.workflows.pipeline.StageRecord;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "watch", description = "Follow a run live until it ends: stage changes, a progress bar for bakes and "
    + "approval waits, traffic steps, events as they happen. Exits 0 when PROMOTED, 1 for any other end.")
public class WatchCommand extends ClientCommand {

  @Parameters(arity = "1..2", paramLabel = "RUN", description = RunRef.DESCRIPTION)
  List<String> run;

  @Option(names = "--interval", paramLabel = "DURATION", converter = Durations.class,
      description = "poll interval (default 1s)")
  Duration interval = Duration.ofSeconds(1);

  @Option(names = "--until-outcome",
      description = "stop as soon as the run has an outcome, without waiting for the watch window to close")
  boolean untilOutcome;

  @Option(names = "--json", description = "progress on stderr, then the final status as one JSON line on stdout")
  boolean json;

  private final List<String> eventsSeen = new ArrayList<>();
  private final Set<String> stageMarks = new HashSet<>();
  private int alarmsSeen;
  private String stepKey;
  private Instant stepFirstSeen;
  private long lastQuarter = -1;

  @Override
  protected int run(TemporalConnection conn, RunService runs) throws InterruptedException {
    String id = RunRef.workflowId(run);
    PrintWriter progress = json ? err() : out();
    boolean tty = !json && System.console() != null;
    progress.println("watching " + id + " (Ctrl-C stops watching, not the run)");
    RunView view;
    while (true) {
      view = runs.view(id);
      report(progress, view.status(), tty);
      progress.flush();
      if (view.closed() || (untilOutcome && view.status().outcome() != null)) {
        break;
      }
      Thread.sleep(Math.max(100, interval.toMillis()));
    }
    if (tty) {
      progress.println();
    }
    PipelineStatus s = view.status();
    String end = s.outcome() != null ? s.outcome() + (s.reason() == null ? "" : ": " + s.reason())
        : "run " + view.executionStatus().toLowerCase();
    progress.println("ended: " + end);
    progress.flush();
    if (json) {
      out().println(Json.write(view));
    }
    return s.outcome() != null ? ExitCodes.forOutcome(s.outcome()) : ExitCodes.RUN_NOT_PROMOTED;
  }

  private static final Pattern TIMED_EVENT = Pattern.compile("^(\\d{4}-\\d\\d-\\d\\dT[0-9:.]+Z) (.*)$");

  /** A line of the live timeline; lines of one poll are printed in time order. */
  private record Line(Instant at, String text) {}

  private void report(PrintWriter out, PipelineStatus s, boolean tty) {
    List<StageRecord> stages = s.stages() == null ? List.of() : s.stages();
    Instant now = Instant.now();
    List<Line> lines = new ArrayList<>();
    for (StageRecord r : stages) {
      if (r.startedAt() != null && stageMarks.add(r.stage() + ">")) {
        lines.add(new Line(r.startedAt(), "> " + r.stage()));
      }
      if (r.endedAt() != null && stageMarks.add(r.stage() + "<")) {
        lines.add(new Line(r.endedAt(), "< " + r.stage() + " done ("
            + DurationText.format(Duration.between(r.startedAt() == null ? r.endedAt() : r.startedAt(), r.endedAt()))
            + (r.note() == null || r.note().isBlank() ? "" : ", " + r.note()) + ")"));
      }
    }
    for (String e : newEvents(s.events())) {
      Matcher m = TIMED_EVENT.matcher(e);
      Instant at = null;
      if (m.matches()) {
        try {
          at = Instant.parse(m.group(1));
        } catch (java.time.format.DateTimeParseException ignored) {
          at = null;
        }
      }
      // Stage changes have their own lines; the events that only repeat them are left out.
      String text = at != null ? m.group(2) : e;
      if (!text.startsWith("stage ")) {
        lines.add(new Line(at != null ? at : now, "  " + text));
      }
    }
    List<AlarmRecord> alarms = s.alarms() == null ? List.of() : s.alarms();
    for (int i = alarmsSeen; i < alarms.size(); i++) {
      AlarmRecord a = alarms.get(i);
      lines.add(new Line(a.receivedAt() != null ? a.receivedAt() : now, "! alarm " + Render.alarm(a)));
    }
    alarmsSeen = Math.max(alarmsSeen, alarms.size());
    lines.sort(java.util.Comparator.comparing(Line::at));
    if (tty && !lines.isEmpty()) {
      out.print("\r" + " ".repeat(100) + "\r");
    }
    lines.forEach(l -> out.println(Render.time(l.at()) + "  " + l.text()));
    String bar = progressLine(s);
    if (bar == null) {
      return;
    }
    if (tty) {
      out.print("\r" + bar);
    } else if (!lines.isEmpty() || quarterChanged()) {
      out.println(bar);
    }
  }

  /** Events not printed yet; the status may cap its event list, so match on the last one printed. */
  private List<String> newEvents(List<String> events) {
    if (events == null || events.isEmpty()) {
      return List.of();
    }
    List<String> fresh;
    if (events.size() >= eventsSeen.size() && events.subList(0, eventsSeen.size()).equals(eventsSeen)) {
      fresh = events.subList(eventsSeen.size(), events.size());
    } else {
      String last = eventsSeen.isEmpty() ? null : eventsSeen.get(eventsSeen.size() - 1);
      int at = last == null ? -1 : events.lastIndexOf(last);
      fresh = events.subList(at + 1, events.size());
    }
    List<String> copy = List.copyOf(fresh);
    eventsSeen.clear();
    eventsSeen.addAll(events);
    return copy;
  }

  private String progressLine(PipelineStatus s) {
    StringBuilder b = new StringBuilder();
    if (s.stepEndsAt() != null) {
      String key = s.stage() + "|" + s.step() + "|" + s.stepEndsAt();
      Instant now = Instant.now();
      if (!key.equals(stepKey)) {
        stepKey = key;
        stepFirstSeen = now;
        lastQuarter = -1;
      }
      Instant start = stepFirstSeen;
      if (s.stage() == Stage.AWAIT_APPROVAL) {
        // The approval wait runs from the stage's start to its deadline.
        start = s.stages().stream().filter(r -> r.stage() == Stage.AWAIT_APPROVAL && r.startedAt() != null)
            .map(StageRecord::startedAt).reduce((a, c) -> c).orElse(start);
      }
      long total = Math.max(1, Duration.between(start, s.stepEndsAt()).toMillis());
      long done = Duration.between(start, now).toMillis();
      fraction = (double) done / total;
      b.append(Render.bar(fraction, 30)).append("  ").append(s.step() == null ? s.stage() : s.step())
          .append(", ").append(DurationText.format(Duration.between(now, s.stepEndsAt()))).append(" left");
    }
    if (s.stage() == Stage.DEPLOY_PROD && s.trafficStep() > 0 && s.trafficSteps() != null
        && !s.trafficSteps().isEmpty()) {
      b.append(b.length() == 0 ? "" : "  ").append("traffic step ").append(s.trafficStep()).append('/')
          .append(s.trafficSteps().size()).append(": ").append(Render.traffic(s.traffic()));
    }
    return b.length() == 0 ? null : b.toString();
  }

  private double fraction;

  private boolean quarterChanged() {
    long q = (long) Math.floor(Math.max(0, Math.min(1, fraction)) * 4);
    if (q != lastQuarter) {
      lastQuarter = q;
      return true;
    }
    return false;
  }
}
