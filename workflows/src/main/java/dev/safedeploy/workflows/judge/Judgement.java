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

  /** Scores metric judgements by the policy. */
  public static Judgement score(JudgeRequest request, List<MetricJudgement> metrics) {
    JudgePolicy policy = request.policy();
    List<MetricJudgement> judged = metrics.stream().filter(m -> m.verdict() != Verdict.INCONCLUSIVE).toList();
    if (judged.isEmpty()) {
      return new Judgement(request.step(), request.from(), request.to(), null, Verdict.INCONCLUSIVE,
          "too few samples: " + summary(metrics), metrics);
    }
    long passed = judged.stream().filter(m -> m.verdict() == Verdict.PASS).count();
    double score = 100.0 * passed / judged.size();
    List<MetricJudgement> failed = judged.stream().filter(m -> m.verdict() == Verdict.FAIL).toList();
    List<MetricJudgement> criticalFailed = failed.stream()
        .filter(m -> policy.criticalMetrics().contains(m.metric())).toList();
    Verdict verdict;
    if (!criticalFailed.isEmpty()) {
      verdict = Verdict.FAIL;
    } else if (score >= policy.passScore()) {
      verdict = Verdict.PASS;
    } else if (score >= policy.marginalScore()) {
      verdict = Verdict.MARGINAL;
    } else {
      verdict = Verdict.FAIL;
    }
    StringBuilder why = new StringBuilder();
    why.append(String.format("judge %s: score %.0f (pass %.0f, marginal %.0f)", verdict, score, policy.passScore(),
        policy.marginalScore()));
    if (!criticalFailed.isEmpty()) {
      why.append(", critical metric failed");
    }
    if (!failed.isEmpty()) {
      List<String> evidence = new ArrayList<>();
      failed.forEach(m -> evidence.add(m.metric() + " " + m.detail()));
      why.append(": ").append(String.join("; ", evidence));
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
