package dev.safedeploy.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.safedeploy.bench.code.CodeBench;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The JMH microbenchmarks run (in this JVM, briefly) and report a time per operation for each. */
class CodeBenchTest {

  @Test
  void everyHotPathBenchmarkReportsNanosPerOp() throws Exception {
    BenchReport report = new CodeBench(new CodeBench.Options(0, 0, 1, 50)).run();
    for (String method : List.of("pickVariant", "parseCsvRow", "parseCsvBatch", "formatCsvBatch",
        "predictOneRow[JAVA_TREES]", "predictOneRow[XGBOOST4J]")) {
      assertThat(report.figures().get(method + ".nsPerOp")).as(report.json())
          .isInstanceOfSatisfying(Double.class, ns -> assertThat(ns).isPositive());
    }
    // a 100-row batch costs more than one row
    assertThat((Double) report.figures().get("parseCsvBatch.nsPerOp"))
        .isGreaterThan((Double) report.figures().get("parseCsvRow.nsPerOp"));
    assertThat(report.json()).contains("forks 0");
  }

  @Test
  void unboundedSettingsAreRefused() {
    assertThatThrownBy(() -> new CodeBench.Options(1, 3, 0, 1000)).hasMessageContaining("--iterations 1..50");
    assertThatThrownBy(() -> new CodeBench.Options(1, 3, 5, 120_000)).hasMessageContaining("10ms..60s");
  }
}
