package dev.safedeploy.workflows.activities;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The hook rule shared by the local adapter, the AWS adapter and the CodeDeploy hook Lambdas. */
class HookVerdictTest {

  @Test
  void oneFinitePredictionPerRowInEveryAnswerFormat() {
    assertThat(HookVerdict.answerProblem("12.5", 1)).isNull();
    assertThat(HookVerdict.answerProblem("12.5\n", 1)).isNull();
    assertThat(HookVerdict.answerProblem("[12.5]", 1)).isNull();
    assertThat(HookVerdict.answerProblem("{\"predictions\": [{\"score\": 12.5}]}", 1)).isNull();
    assertThat(HookVerdict.answerProblem("25.1\n61.7\n14.0\n", 3)).isNull();
    assertThat(HookVerdict.answerProblem("25.1,61.7,14.0", 3)).isNull();
    assertThat(HookVerdict.answerProblem("", 1)).contains("empty");
    assertThat(HookVerdict.answerProblem("10.2,11.0", 1)).contains("2 predictions for 1 row");
    assertThat(HookVerdict.answerProblem("25.1\n61.7\n", 3)).contains("2 predictions for 3 rows");
    assertThat(HookVerdict.answerProblem("NaN", 1)).contains("not finite");
    assertThat(HookVerdict.answerProblem("25.1\nNaN-ish\n", 2)).contains("prediction 2 is not a number");
    assertThat(HookVerdict.answerProblem("{\"error\": \"boom\"}", 1)).contains("not a number: 'boom'");
  }

  @Test
  void p99OfTheRequestsWithinTheBound() {
    assertThat(HookVerdict.latencyProblem(List.of(150L), 2000)).isNull();
    assertThat(HookVerdict.latencyProblem(List.of(5150L), 2000)).isEqualTo("p99 latency 5150 ms over the 2000 ms bound");
    assertThat(HookVerdict.p99(List.of(10L, 20L, 30L))).isEqualTo(30);
    assertThat(HookVerdict.p99(List.of())).isZero();
  }
}
