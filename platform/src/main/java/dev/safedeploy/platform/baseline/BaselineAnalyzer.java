package dev.safedeploy.platform.baseline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.safedeploy.platform.data.BadDataException;
import dev.safedeploy.workflows.json.JsonMapping;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Feature statistics and constraints in SageMaker Model Monitor's statistics.json / constraints.json format.
 *
 * <p>One streaming pass: exact count, sum, mean, population standard deviation (Welford), min and max, and a KLL sketch
 * (k 2048, c 0.64, Model Monitor's parameters) from which the 10 equal-width distribution buckets are read, as Model
 * Monitor does. A column is Integral when every present value is written as an integer, Fractional otherwise.
 */
public final class BaselineAnalyzer {
  static final int BUCKETS = 10;
  /** Model Monitor's default drift threshold for numerical distributions. */
  public static final double COMPARISON_THRESHOLD = 0.1;

  private static final ObjectMapper JSON = JsonMapping.mapper();

  private BaselineAnalyzer() {}

  public record BaselineFiles(Path statistics, Path constraints) {}

  /** Reads a CSV with a header and writes outDir/statistics.json and outDir/constraints.json. */
  public static BaselineFiles analyze(Path baselineCsv, Path outDir) {
    if (!Files.isRegularFile(baselineCsv)) {
      throw new BadDataException(baselineCsv, 0, "no such file");
    }
    List<String> names;
    FeatureStats[] stats;
    long items = 0;
    try (BufferedReader in = Files.newBufferedReader(baselineCsv, StandardCharsets.UTF_8)) {
      String header = in.readLine();
      if (header == null || header.isBlank()) {
        throw new BadDataException(baselineCsv, 1, "empty file: no header line");
      }
      names = new ArrayList<>();
      for (String n : header.replace("\uFEFF", "").split(",", -1)) {
        names.add(n.strip());
      }
      stats = new FeatureStats[names.size()];
      for (int i = 0; i < stats.length; i++) {
        stats[i] = new FeatureStats(names.get(i), i);
      }
      String line;
      long lineNo = 1;
      while ((line = in.readLine()) != null) {
        lineNo++;
        if (line.isEmpty()) {
          continue;
        }
        int field = 0;
        int start = 0;
        for (int i = 0; i <= line.length(); i++) {
          if (i < line.length() && line.charAt(i) != ',') {
            continue;
          }
          if (field >= stats.length) {
            throw new BadDataException(baselineCsv, lineNo, "more values than the " + stats.length + " columns");
          }
          stats[field].add(line, start, i, baselineCsv, lineNo);
          field++;
          start = i + 1;
        }
        if (field != stats.length) {
          throw new BadDataException(baselineCsv, lineNo, "expected " + stats.length + " values, found " + field);
        }
        items++;
      }
    } catch (IOException e) {
      throw new BadDataException(baselineCsv, 0, "cannot read: " + e);
    }
    if (items == 0) {
      throw new BadDataException(baselineCsv, 0, "no data rows");
    }

    ObjectNode statistics = JSON.createObjectNode();
    statistics.put("version", 0.0);
    statistics.putObject("dataset").put("item_count", items);
    ArrayNode features = statistics.putArray("features");
    ObjectNode constraints = JSON.createObjectNode();
    constraints.put("version", 0.0);
    ArrayNode constraintFeatures = constraints.putArray("features");
    for (FeatureStats s : stats) {
      features.add(s.statistics());
      ObjectNode c = constraintFeatures.addObject();
      c.put("name", s.name);
      c.put("inferred_type", s.inferredType());
      c.put("completeness", items == 0 ? 0.0 : (double) s.present / items);
      if (s.present > 0) {
        c.putObject("num_constraints").put("is_non_negative", s.min >= 0);
      }
    }
    ObjectNode config = constraints.putObject("monitoring_config");
    config.put("evaluate_constraints", "Enabled");
    config.put("emit_metrics", "Enabled");
    config.put("datatype_check_threshold", 1.0);
    config.put("domain_content_threshold", 1.0);
    ObjectNode distribution = config.putObject("distribution_constraints");
    distribution.put("perform_comparison", "Enabled");
    distribution.put("comparison_threshold", COMPARISON_THRESHOLD);
    distribution.put("comparison_method", "Robust");
    distribution.put("categorical_comparison_threshold", COMPARISON_THRESHOLD);
    distribution.put("categorical_drift_method", "LInfinity");

    try {
      Files.createDirectories(outDir);
      Path statisticsJson = write(statistics, outDir.resolve("statistics.json"));
      Path constraintsJson = write(constraints, outDir.resolve("constraints.json"));
      return new BaselineFiles(statisticsJson, constraintsJson);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the baseline to " + outDir, e);
    }
  }

  private static Path write(JsonNode node, Path target) throws IOException {
    Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
    // pretty, as SageMaker writes its baseline files: people read them beside the data they describe
    JSON.writerWithDefaultPrettyPrinter().writeValue(tmp.toFile(), node);
    return Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  /**
   * Drift of captured rows against a baseline: per feature, the distance between the baseline's and the rows'
   * distributions (Model Monitor's baseline_drift check), keyed by feature name.
   *
   * <p>The distance is the L-infinity distance between the two cumulative distribution functions (the
   * Kolmogorov-Smirnov statistic): 0 for identical distributions, 1 for disjoint ones. The baseline side is the KLL
   * sketch stored in statistics.json (its buckets when there is no sketch); the rows side is exact. Features absent
   * from the statistics, or without any non-missing value among the rows, are left out of the result.
   *
   * @param featureNames the name of each column of {@code rows}
   * @throws IllegalArgumentException when a row is narrower than {@code featureNames}
   * @throws BadDataException when the statistics file cannot be read
   */
  public static Map<String, Double> drift(Path statisticsJson, String[] featureNames, float[][] rows) {
    JsonNode root;
    try {
      root = JSON.readTree(statisticsJson.toFile());
    } catch (IOException e) {
      throw new BadDataException(statisticsJson, 0, "not a readable statistics.json: " + e.getMessage());
    }
    Map<String, JsonNode> byName = new LinkedHashMap<>();
    for (JsonNode f : root.path("features")) {
      byName.put(f.path("name").asText(), f);
    }
    for (int r = 0; r < rows.length; r++) {
      if (rows[r] == null || rows[r].length < featureNames.length) {
        throw new IllegalArgumentException("row " + (r + 1) + " has " + (rows[r] == null ? 0 : rows[r].length)
            + " values, expected " + featureNames.length + " (" + String.join(", ", featureNames) + ")");
      }
    }
    Map<String, Double> result = new LinkedHashMap<>();
    for (int i = 0; i < featureNames.length; i++) {
      JsonNode feature = byName.get(featureNames[i]);
      if (feature == null) {
        continue;
      }
      KllSketch.Weighted baseline = baselineDistribution(feature.path("numerical_statistics"), statisticsJson);
      if (baseline == null || baseline.values().length == 0) {
        continue;
      }
      double[] current = new double[rows.length];
      int n = 0;
      for (float[] row : rows) {
        if (!Float.isNaN(row[i])) {
          current[n++] = row[i];
        }
      }
      if (n == 0) {
        continue;
      }
      double[] sorted = Arrays.copyOf(current, n);
      Arrays.sort(sorted);
      result.put(featureNames[i], linfinity(baseline, sorted));
    }
    return result;
  }

  /** sup over x of |F_baseline(x) - F_rows(x)|, walking both sorted samples once. */
  static double linfinity(KllSketch.Weighted baseline, double[] sorted) {
    double[] bv = baseline.values();
    long[] bw = baseline.weights();
    double total = baseline.total();
    int i = 0;
    int j = 0;
    long cumBaseline = 0;
    double distance = 0;
    while (i < bv.length || j < sorted.length) {
      double x = j >= sorted.length || (i < bv.length && bv[i] <= sorted[j]) ? bv[i] : sorted[j];
      while (i < bv.length && bv[i] <= x) {
        cumBaseline += bw[i++];
      }
      while (j < sorted.length && sorted[j] <= x) {
        j++;
      }
      distance = Math.max(distance, Math.abs(cumBaseline / total - (double) j / sorted.length));
    }
    return distance;
  }

  private static KllSketch.Weighted baselineDistribution(JsonNode numerical, Path file) {
    JsonNode kll = numerical.path("distribution").path("kll");
    JsonNode data = kll.path("sketch").path("data");
    if (data.isArray() && data.size() > 0) {
      List<double[]> levels = new ArrayList<>();
      for (JsonNode level : data) {
        double[] items = new double[level.size()];
        for (int i = 0; i < items.length; i++) {
          items[i] = level.get(i).asDouble();
        }
        levels.add(items);
      }
      JsonNode params = kll.path("sketch").path("parameters");
      return KllSketch.of(levels, params.path("k").asInt(KllSketch.K), params.path("c").asDouble(KllSketch.C))
          .sorted();
    }
    JsonNode buckets = kll.path("buckets");
    if (!buckets.isArray() || buckets.isEmpty()) {
      return null;
    }
    // no sketch: each bucket's mass sits at its upper bound, the CDF's value at the bucket boundaries
    double[] values = new double[buckets.size()];
    long[] weights = new long[buckets.size()];
    for (int i = 0; i < values.length; i++) {
      values[i] = buckets.get(i).path("upper_bound").asDouble();
      weights[i] = Math.round(buckets.get(i).path("count").asDouble());
    }
    return new KllSketch.Weighted(values, weights);
  }

  /** The running statistics of one column. */
  private static final class FeatureStats {
    final String name;
    final KllSketch sketch;
    long present;
    long missing;
    boolean fractional;
    double mean;
    double m2;
    double sum;
    double min = Double.POSITIVE_INFINITY;
    double max = Double.NEGATIVE_INFINITY;

    FeatureStats(String name, int index) {
      this.name = name;
      this.sketch = new KllSketch(0x5AFEL + index);
    }

    void add(String line, int from, int to, Path file, long lineNo) {
      while (from < to && line.charAt(from) == ' ') {
        from++;
      }
      while (to > from && line.charAt(to - 1) == ' ') {
        to--;
      }
      if (from == to) {
        missing++;
        return;
      }
      String token = line.substring(from, to);
      double v;
      try {
        v = Double.parseDouble(token);
      } catch (NumberFormatException e) {
        throw new BadDataException(file, lineNo, "column '" + name + "': not a number: '" + token + "'");
      }
      if (!Double.isFinite(v)) {
        throw new BadDataException(file, lineNo, "column '" + name + "': not a finite number: '" + token + "'");
      }
      if (!fractional) {
        for (int i = 0; i < token.length(); i++) {
          char c = token.charAt(i);
          if (!(c >= '0' && c <= '9') && !(i == 0 && (c == '-' || c == '+'))) {
            fractional = true;
            break;
          }
        }
      }
      present++;
      sum += v;
      double delta = v - mean;
      mean += delta / present;
      m2 += delta * (v - mean);
      min = Math.min(min, v);
      max = Math.max(max, v);
      sketch.add(v);
    }

    String inferredType() {
      return present == 0 ? "Unknown" : fractional ? "Fractional" : "Integral";
    }

    ObjectNode statistics() {
      ObjectNode f = JSON.createObjectNode();
      f.put("name", name);
      f.put("inferred_type", inferredType());
      ObjectNode numerical = f.putObject("numerical_statistics");
      ObjectNode common = numerical.putObject("common");
      common.put("num_present", present);
      common.put("num_missing", missing);
      if (present == 0) {
        return f;
      }
      numerical.put("mean", mean);
      numerical.put("sum", sum);
      numerical.put("std_dev", Math.sqrt(m2 / present));
      numerical.put("min", min);
      numerical.put("max", max);
      ObjectNode kll = numerical.putObject("distribution").putObject("kll");
      ArrayNode buckets = kll.putArray("buckets");
      KllSketch.Weighted w = sketch.sorted();
      double width = (max - min) / BUCKETS;
      double[] counts = new double[BUCKETS];
      for (int i = 0; i < w.values().length; i++) {
        int b = width == 0 ? 0 : (int) ((w.values()[i] - min) / width);
        counts[Math.min(Math.max(b, 0), BUCKETS - 1)] += w.weights()[i];
      }
      for (int b = 0; b < BUCKETS; b++) {
        ObjectNode bucket = buckets.addObject();
        bucket.put("lower_bound", min + b * width);
        bucket.put("upper_bound", b == BUCKETS - 1 ? max : min + (b + 1) * width);
        bucket.put("count", counts[b]);
      }
      ObjectNode sketchNode = kll.putObject("sketch");
      sketchNode.putObject("parameters").put("c", KllSketch.C).put("k", (double) KllSketch.K);
      ArrayNode data = sketchNode.putArray("data");
      for (double[] level : sketch.data()) {
        ArrayNode l = data.addArray();
        for (double v : level) {
          l.add(v);
        }
      }
      return f;
    }
  }
}
