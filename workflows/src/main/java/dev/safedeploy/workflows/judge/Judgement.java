package dev.safedeploy.workflows.judge;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The judge's answer for one bake window: Kayenta's scoring, the percentage of judged metrics that passed, with the
 * policy's pass and marginal thresholds; a failing critical metric fails the whole judgement whatever the score.
 *
 * @param step the traffic step judged, e.g. "canary 10% bake"
 * @param from window start
 * @param to window end
 * @param score 0..100 over the metrics that had enough samples (null when none had)
 * @param verdict PASS, MARGINAL, FAIL or INCONCLUSIVE
 * @param reason one line: why this verdict, with the failing metrics' evidence
 * @param metrics every metric's evidence
 */
public record Judgement(
    String step,
    Instant from,
    Instant to,
    Double score,
    Verdict verdict,
    String reason,
    List<MetricJudgement> metrics) {

  public Judgement {
    metrics = metrics == null ? List.of() : List.copyOf(metrics);
  }

  /** A judgement that could not look at the data (no judge on this backend, the data unreadable). */
  public static Judgement inconclusive(JudgeRequest request, String why) {
    return new Judgement(request.step(), request.from(), request.to(), null, Verdict.INCONCLUSIVE, why, List.of());
  }

  /**
   * Scores metric judgements by the policy: the score is over the judged metrics that are not advisory; a failing
   * critical metric fails the judgement whatever the score; a failing advisory metric makes a passing judgement
   * MARGINAL (a human decides), never a FAIL.
   */
  public static Judgement score(JudgeRequest request, List<MetricJudgement> metrics) {
    JudgePolicy policy = request.policy();
    List<MetricJudgement> judged = metrics.stream().filter(m -> m.verdict() != Verdict.INCONCLUSIVE).toList();
    if (judged.isEmpty()) {
      return new Judgement(request.step(), request.from(), request.to(), null, Verdict.INCONCLUSIVE,
          "too few samples: " + summary(metrics), metrics);
    }
    List<MetricJudgement> scored = judged.stream()
        .filter(m -> !policy.advisoryMetrics().contains(m.metric())).toList();
    List<MetricJudgement> advisoryFailed = judged.stream()
        .filter(m -> policy.advisoryMetrics().contains(m.metric()) && m.verdict() == Verdict.FAIL).toList();
    long passed = scored.stream().filter(m -> m.verdict() == Verdict.PASS).count();
    // only advisory metrics judged: nothing to score, they alone decide between PASS and MARGINAL
    Double score = scored.isEmpty() ? null : 100.0 * passed / scored.size();
    List<MetricJudgement> failed = scored.stream().filter(m -> m.verdict() == Verdict.FAIL).toList();
    List<MetricJudgement> criticalFailed = failed.stream()
        .filter(m -> policy.criticalMetrics().contains(m.metric())).toList();
    Verdict verdict;
    if (!criticalFailed.isEmpty()) {
      verdict = Verdict.FAIL;
    } else if (score == null || score >= policy.passScore()) {
      verdict = advisoryFailed.isEmpty() ? Verdict.PASS : Verdict.MARGINAL;
    } else if (score >= policy.marginalScore()) {
      verdict = Verdict.MARGINAL;
    } else {
      verdict = Verdict.FAIL;
    }
    StringBuilder why = new StringBuilder();
    why.append("judge ").append(verdict).append(score == null ? ": no scored metric"
        : String.format(": score %.0f", score)).append(String.format(" (pass %.0f, marginal %.0f)",
        policy.passScore(), policy.marginalScore()));
    if (!criticalFailed.isEmpty()) {
      why.append(", critical metric failed");
    }
    if (!failed.isEmpty()) {
      List<String> evidence = new ArrayList<>();
      failed.forEach(m -> evidence.add(m.metric() + " " + m.detail()));
      why.append(": ").append(String.join("; ", evidence));
    }
    if (!advisoryFailed.isEmpty()) {
      List<String> evidence = new ArrayList<>();
      advisoryFailed.forEach(m -> evidence.add(m.metric() + " " + m.detail()));
      why.append(failed.isEmpty() ? ": " : "; ").append("advisory (a human decides, never a rollback): ")
          .append(String.join("; ", evidence));
    }
    return new Judgement(request.step(), request.from(), request.to(), score, verdict, why.toString(), metrics);
  }

  private static String summary(List<MetricJudgement> metrics) {
    if (metrics.isEmpty()) {
      return "no metrics";
    }
    List<String> parts = new ArrayList<>();
    metrics.forEach(m -> parts.add(m.metric() + " blue " + m.blueSamples() + " / green " + m.greenSamples()));
    return String.join(", ", parts);
  }
}
