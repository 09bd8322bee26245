package dev.safedeploy.platform.alarms;

import static org.assertj.core.api.Assertions.assertThat;

import dev.safedeploy.platform.api.AlarmDefinition;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AlarmRulesTest {

  static AlarmDefinition alarm(String op, double threshold, int n, int m, String missing) {
    return new AlarmDefinition("a", "Invocation5XXErrors", "ep", "v", "Sum", 1, n, m, threshold, op, missing);
  }

  static List<Double> points(Double... v) {
    return Arrays.asList(v);
  }

  @ParameterizedTest
  @CsvSource({
      "GreaterThanThreshold, 5, 5, false",
      "GreaterThanThreshold, 5.0001, 5, true",
      "GreaterThanOrEqualToThreshold, 5, 5, true",
      "GreaterThanOrEqualToThreshold, 4.999, 5, false",
      "LessThanThreshold, 5, 5, false",
      "LessThanThreshold, 4.999, 5, true",
      "LessThanOrEqualToThreshold, 5, 5, true",
      "LessThanOrEqualToThreshold, 5.001, 5, false"})
  void thresholdEqualityFollowsTheOperator(String op, double value, double threshold, boolean breaches) {
    assertThat(AlarmRules.breaches(op, value, threshold)).isEqualTo(breaches);
    String expected = breaches ? AlarmRules.ALARM : AlarmRules.OK;
    assertThat(AlarmRules.evaluate(alarm(op, threshold, 1, 1, "missing"), points(value), "OK").state())
        .isEqualTo(expected);
  }

  @Test
  void mOutOfNNeedsMBreachingDatapoints() {
    AlarmDefinition twoOfThree = alarm("GreaterThanOrEqualToThreshold", 1, 3, 2, "missing");
    assertThat(AlarmRules.evaluate(twoOfThree, points(1.0, 0.0, 0.0), "OK").state()).isEqualTo("OK");
    assertThat(AlarmRules.evaluate(twoOfThree, points(1.0, 0.0, 3.0), "OK").state()).isEqualTo("ALARM");
    assertThat(AlarmRules.evaluate(twoOfThree, points(0.0, 2.0, 3.0), "OK").reason())
        .contains("2 out of the last 3 datapoints breached");
  }

  @Test
  void missingDataTreatments() {
    List<Double> allMissing = points(null, null, null);
    assertThat(AlarmRules.evaluate(alarm("GreaterThanThreshold", 0, 3, 1, "missing"), allMissing, "ALARM").state())
        .isEqualTo("INSUFFICIENT_DATA");
    assertThat(AlarmRules.evaluate(alarm("GreaterThanThreshold", 0, 3, 1, "ignore"), allMissing, "ALARM").state())
        .isEqualTo("ALARM");
    assertThat(AlarmRules.evaluate(alarm("GreaterThanThreshold", 0, 3, 1, "notBreaching"), allMissing, "ALARM")
        .state()).isEqualTo("OK");
    assertThat(AlarmRules.evaluate(alarm("GreaterThanThreshold", 0, 3, 3, "breaching"), allMissing, "OK").state())
        .isEqualTo("ALARM");
    // missing periods neither breach nor save: 1 breaching of 2 needed stays OK, a second breach alarms
    AlarmDefinition twoOfThree = alarm("GreaterThanThreshold", 0, 3, 2, "missing");
    assertThat(AlarmRules.evaluate(twoOfThree, points(null, 1.0, null), "OK").state()).isEqualTo("OK");
    assertThat(AlarmRules.evaluate(twoOfThree, points(1.0, null, 1.0), "OK").state()).isEqualTo("ALARM");
    // breaching: a missing period counts against the model
    assertThat(AlarmRules.evaluate(alarm("GreaterThanThreshold", 0, 3, 2, "breaching"), points(null, 1.0, 0.0), "OK")
        .state()).isEqualTo("ALARM");
  }

  @Test
  void definitionsAreValidated() {
    AlarmDefinition bad = new AlarmDefinition("a", "ModelLatency", "ep", "v", "p1000", 0, 2, 3, 1, "Above", "x");
    assertThat(AlarmRules.problems(bad)).hasSize(5).anySatisfy(p -> assertThat(p).contains("statistic"))
        .anySatisfy(p -> assertThat(p).contains("periodSeconds")).anySatisfy(p -> assertThat(p).contains("datapoints"))
        .anySatisfy(p -> assertThat(p).contains("comparisonOperator"))
        .anySatisfy(p -> assertThat(p).contains("treatMissingData"));
    assertThat(AlarmRules.problems(alarm("GreaterThanThreshold", 1, 1, 1, "missing"))).isEmpty();
    assertThat(AlarmRules.percentile("p99")).isEqualTo(99.0);
    assertThat(AlarmRules.percentile("p99.9")).isEqualTo(99.9);
    assertThat(AlarmRules.percentile("Sum")).isNull();
  }
}
