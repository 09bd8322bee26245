package dev.safedeploy.platform.baseline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.safedeploy.platform.data.BadDataException;
import dev.safedeploy.platform.data.DataPreparation;
import dev.safedeploy.platform.data.PreparedData;
import dev.safedeploy.platform.data.TripGenerator;
import dev.safedeploy.workflows.json.JsonMapping;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BaselineAnalyzerTest {
  private static final ObjectMapper JSON = JsonMapping.mapper();
  @TempDir Path dir;

  private BaselineAnalyzer.BaselineFiles tiny() throws Exception {
    Path csv = Files.writeString(dir.resolve("baseline.csv"), "a,b\n1,0.5\n2,1.5\n3,\n4,-2.5\n");
    return BaselineAnalyzer.analyze(csv, dir.resolve("out"));
  }

  @Test
  void statisticsOfAKnownTinyCsv() throws Exception {
    BaselineAnalyzer.BaselineFiles files = tiny();
    assertThat(files.statistics()).isEqualTo(dir.resolve("out").resolve("statistics.json"));
    JsonNode stats = JSON.readTree(files.statistics().toFile());

    assertThat(stats.path("version").asDouble()).isEqualTo(0.0);
    assertThat(stats.path("dataset").path("item_count").asLong()).isEqualTo(4);
    JsonNode a = stats.path("features").get(0);
    assertThat(a.path("name").asText()).isEqualTo("a");
    assertThat(a.path("inferred_type").asText()).isEqualTo("Integral");
    JsonNode an = a.path("numerical_statistics");
    assertThat(an.path("common").path("num_present").asLong()).isEqualTo(4);
    assertThat(an.path("common").path("num_missing").asLong()).isEqualTo(0);
    assertThat(an.path("mean").asDouble()).isEqualTo(2.5);
    assertThat(an.path("sum").asDouble()).isEqualTo(10.0);
    assertThat(an.path("std_dev").asDouble()).isCloseTo(Math.sqrt(1.25), within(1e-12));
    assertThat(an.path("min").asDouble()).isEqualTo(1.0);
    assertThat(an.path("max").asDouble()).isEqualTo(4.0);
    JsonNode kll = an.path("distribution").path("kll");
    JsonNode buckets = kll.path("buckets");
    assertThat(buckets).hasSize(10);
    assertThat(buckets.get(0).path("lower_bound").asDouble()).isEqualTo(1.0);
    assertThat(buckets.get(0).path("upper_bound").asDouble()).isCloseTo(1.3, within(1e-12));
    assertThat(buckets.get(9).path("upper_bound").asDouble()).isEqualTo(4.0);
    double[] counts = new double[10];
    for (int i = 0; i < 10; i++) {
      counts[i] = buckets.get(i).path("count").asDouble();
    }
    assertThat(counts).containsExactly(1, 0, 0, 1, 0, 0, 1, 0, 0, 1);
    assertThat(kll.path("sketch").path("parameters").path("k").asDouble()).isEqualTo(2048.0);
    assertThat(kll.path("sketch").path("parameters").path("c").asDouble()).isEqualTo(0.64);
    assertThat(kll.path("sketch").path("data").get(0).toString()).isEqualTo("[1.0,2.0,3.0,4.0]");

    JsonNode b = stats.path("features").get(1);
    assertThat(b.path("inferred_type").asText()).isEqualTo("Fractional");
    JsonNode bn = b.path("numerical_statistics");
    assertThat(bn.path("common").path("num_present").asLong()).isEqualTo(3);
    assertThat(bn.path("common").path("num_missing").asLong()).isEqualTo(1);
    assertThat(bn.path("mean").asDouble()).isCloseTo(-0.5 / 3, within(1e-12));
    assertThat(bn.path("min").asDouble()).isEqualTo(-2.5);
    assertThat(bn.path("max").asDouble()).isEqualTo(1.5);
  }

  @Test
  void constraintsOfAKnownTinyCsv() throws Exception {
    JsonNode constraints = JSON.readTree(tiny().constraints().toFile());
    assertThat(constraints.path("version").asDouble()).isEqualTo(0.0);
    JsonNode a = constraints.path("features").get(0);
    assertThat(a.path("name").asText()).isEqualTo("a");
    assertThat(a.path("inferred_type").asText()).isEqualTo("Integral");
    assertThat(a.path("completeness").asDouble()).isEqualTo(1.0);
    assertThat(a.path("num_constraints").path("is_non_negative").asBoolean()).isTrue();
    JsonNode b = constraints.path("features").get(1);
    assertThat(b.path("completeness").asDouble()).isEqualTo(0.75);
    assertThat(b.path("num_constraints").path("is_non_negative").asBoolean()).isFalse();
    JsonNode config = constraints.path("monitoring_config");
    assertThat(config.path("evaluate_constraints").asText()).isEqualTo("Enabled");
    assertThat(config.path("emit_metrics").asText()).isEqualTo("Enabled");
    JsonNode distribution = config.path("distribution_constraints");
    assertThat(distribution.path("perform_comparison").asText()).isEqualTo("Enabled");
    assertThat(distribution.path("comparison_threshold").asDouble()).isEqualTo(0.1);
    assertThat(distribution.path("comparison_method").asText()).isEqualTo("Robust");
  }

  @Test
  void baselineOfPreparedTrips() throws Exception {
    Path trips = dir.resolve("trips.csv");
    TripGenerator.generate(20_000, 4, trips);
    PreparedData data = DataPreparation.prepare(trips, dir.resolve("prepared"), DataPreparation.DEFAULT_FEATURES,
        42);
    JsonNode stats = JSON.readTree(BaselineAnalyzer.analyze(data.baseline(), dir.resolve("out")).statistics()
        .toFile());
    assertThat(stats.path("dataset").path("item_count").asLong()).isEqualTo(data.trainRows());
    List<String> names = new ArrayList<>();
    for (JsonNode f : stats.path("features")) {
      names.add(f.path("name").asText());
      double sum = 0;
      for (JsonNode bucket : f.path("numerical_statistics").path("distribution").path("kll").path("buckets")) {
        sum += bucket.path("count").asDouble();
      }
      assertThat(sum).isEqualTo((double) data.trainRows());
    }
    assertThat(names).containsExactly("total_amount", "duration_minutes", "passenger_count", "trip_distance");
    assertThat(stats.path("features").get(2).path("inferred_type").asText()).isEqualTo("Integral");
    assertThat(stats.path("features").get(3).path("inferred_type").asText()).isEqualTo("Fractional");
  }

  @Test
  void badBaselineCsvNamesFileAndLine() throws Exception {
    Path csv = Files.writeString(dir.resolve("bad.csv"), "a,b\n1,2\n3,x\n");
    assertThatThrownBy(() -> BaselineAnalyzer.analyze(csv, dir.resolve("out")))
        .isInstanceOfSatisfying(BadDataException.class, e -> assertThat(e.line()).isEqualTo(3))
        .hasMessageContaining("'x'");
    Path narrow = Files.writeString(dir.resolve("narrow.csv"), "a,b\n1\n");
    assertThatThrownBy(() -> BaselineAnalyzer.analyze(narrow, dir.resolve("out")))
        .isInstanceOf(BadDataException.class).hasMessageContaining("narrow.csv:2");
  }

  @Test
  void driftIsZeroForTheSameDataAndOneForDisjointData() throws Exception {
    Path statistics = tiny().statistics();
    float[][] same = {{1, 0.5f}, {2, 1.5f}, {3, Float.NaN}, {4, -2.5f}};
    Map<String, Double> none = BaselineAnalyzer.drift(statistics, new String[] {"a", "b"}, same);
    assertThat(none).containsOnlyKeys("a", "b");
    assertThat(none.get("a")).isEqualTo(0.0);
    assertThat(none.get("b")).isEqualTo(0.0);

    // columns in another order than the baseline's, and a feature the baseline does not know
    Map<String, Double> all = BaselineAnalyzer.drift(statistics, new String[] {"b", "a", "c"},
        new float[][] {{7, 10, 1}, {4, 5, 1}});
    assertThat(all).containsOnlyKeys("a", "b");
    assertThat(all.get("a")).isEqualTo(1.0);
    assertThat(all.get("b")).isEqualTo(1.0);
    // half the rows at the baseline's minimum, half above its maximum: CDFs 0.25 vs 0.5 at 1, 1.0 vs 0.5 at 4
    Map<String, Double> half = BaselineAnalyzer.drift(statistics, new String[] {"a"}, new float[][] {{1}, {9}});
    assertThat(half.get("a")).isCloseTo(0.5, within(1e-12));
  }

  @Test
  void driftIsSmallForTheSameDistributionAndLargeForAShiftedOne() throws Exception {
    SplittableRandom random = new SplittableRandom(1);
    StringBuilder csv = new StringBuilder("fare,distance\n");
    for (int i = 0; i < 50_000; i++) {
      csv.append(10 + 3 * random.nextGaussian()).append(',').append(Math.exp(0.6 + 0.7 * random.nextGaussian()))
          .append('\n');
    }
    Path baseline = Files.writeString(dir.resolve("big.csv"), csv);
    Path statistics = BaselineAnalyzer.analyze(baseline, dir.resolve("out")).statistics();
    JsonNode data = JSON.readTree(statistics.toFile()).path("features").get(0).path("numerical_statistics")
        .path("distribution").path("kll").path("sketch").path("data");
    assertThat(data.size()).isGreaterThan(1); // 50,000 values do not fit in one level: the sketch compacted

    float[][] same = new float[5_000][2];
    float[][] shifted = new float[5_000][2];
    for (int i = 0; i < same.length; i++) {
      same[i][0] = (float) (10 + 3 * random.nextGaussian());
      same[i][1] = (float) Math.exp(0.6 + 0.7 * random.nextGaussian());
      shifted[i][0] = same[i][0] + 3; // one standard deviation: KS distance ~0.38
      shifted[i][1] = same[i][1] * 2;
    }
    String[] names = {"fare", "distance"};
    Map<String, Double> none = BaselineAnalyzer.drift(statistics, names, same);
    Map<String, Double> drifted = BaselineAnalyzer.drift(statistics, names, shifted);
    assertThat(none.get("fare")).isLessThan(0.04);
    assertThat(none.get("distance")).isLessThan(0.04);
    assertThat(drifted.get("fare")).isCloseTo(0.38, within(0.04)).isGreaterThan(BaselineAnalyzer.COMPARISON_THRESHOLD);
    assertThat(drifted.get("distance")).isGreaterThan(0.3);
    assertThatThrownBy(() -> BaselineAnalyzer.drift(statistics, names, new float[][] {{1}}))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void kllSketchKeepsTotalWeightAndQuantiles() {
    KllSketch sketch = new KllSketch(3);
    SplittableRandom random = new SplittableRandom(2);
    for (int i = 0; i < 300_000; i++) {
      sketch.add(random.nextDouble());
    }
    KllSketch.Weighted w = sketch.sorted();
    assertThat(w.total()).isEqualTo(300_000L).isEqualTo(sketch.count());
    assertThat(w.values().length).isLessThan(8_000);
    long acc = 0;
    double median = Double.NaN;
    for (int i = 0; i < w.values().length; i++) {
      acc += w.weights()[i];
      if (acc >= 150_000) {
        median = w.values()[i];
        break;
      }
    }
    assertThat(median).isCloseTo(0.5, within(0.01));
    KllSketch back = KllSketch.of(sketch.data(), KllSketch.K, KllSketch.C);
    assertThat(back.sorted().total()).isEqualTo(300_000L);
  }
}
