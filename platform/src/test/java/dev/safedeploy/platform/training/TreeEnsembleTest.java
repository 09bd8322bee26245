package dev.safedeploy.platform.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.safedeploy.workflows.json.JsonMapping;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.XGBoost;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The Java trees against XGBoost4J itself, on models trained here with every objective the pipeline takes: the same
 * predictions, and XGBoost4J wherever the trees cannot be exact.
 */
class TreeEnsembleTest {
  private static final ObjectMapper MAPPER = JsonMapping.mapper();
  @TempDir Path dir;

  @ParameterizedTest
  @ValueSource(strings = {"reg:squarederror", "reg:squaredlogerror", "reg:pseudohubererror", "reg:absoluteerror",
      "reg:tweedie", "binary:logistic", "count:poisson"})
  void everyObjectiveThePipelineTakesIsServedByTheJavaTreesWithXgboostsPredictions(String objective)
      throws Exception {
    TrainedModel model = train(objective, Map.of());
    float[][] rows = rows(2_000, 7);
    try (XgbPredictor java = XgbPredictor.load(model.artifact());
        XgbPredictor xgboost = XgbPredictor.load(model.artifact(), XgbPredictor.MAX_MODEL_BYTES,
            XgbPredictor.MAX_UNPACKED_BYTES, false)) {
      assertThat(java.evaluator()).isEqualTo(XgbPredictor.Evaluator.JAVA_TREES);
      assertThat(xgboost.evaluator()).isEqualTo(XgbPredictor.Evaluator.XGBOOST4J);
      float[] expected = xgboost.predict(rows);
      float[] got = java.predict(rows);
      for (int i = 0; i < rows.length; i++) {
        if (objective.startsWith("reg:") && !objective.equals("reg:tweedie")) {
          // identity link: the same float sums in the same order, so the very same bits
          assertThat(got[i]).as("row %d", i).isEqualTo(expected[i]);
        } else {
          assertThat(got[i]).as("row %d", i).isCloseTo(expected[i],
              org.assertj.core.data.Offset.offset(1e-6f * Math.max(1f, Math.abs(expected[i]))));
        }
      }
      // one row at a time, as the model server mostly calls it
      for (int i = 0; i < 50; i++) {
        assertThat(java.predict(new float[][] {rows[i]})[0]).isEqualTo(got[i]);
      }
    }
  }

  @Test
  void aDartModelIsServedByXgboostAndAForestByTheJavaTrees() throws Exception {
    TrainedModel dart = train("reg:squarederror", Map.of("booster", "dart", "rate_drop", "0.1"));
    try (XgbPredictor p = XgbPredictor.load(dart.artifact())) {
      assertThat(p.evaluator()).isEqualTo(XgbPredictor.Evaluator.XGBOOST4J);
      float[] out = p.predict(rows(5, 3));
      assertThat(out).hasSize(5);
      for (float v : out) {
        assertThat(Float.isFinite(v)).isTrue();
      }
    }
    TrainedModel forest = train("reg:squarederror", Map.of("num_parallel_tree", "4", "subsample", "0.7"));
    float[][] rows = rows(500, 11);
    try (XgbPredictor java = XgbPredictor.load(forest.artifact());
        XgbPredictor xgboost = XgbPredictor.load(forest.artifact(), XgbPredictor.MAX_MODEL_BYTES,
            XgbPredictor.MAX_UNPACKED_BYTES, false)) {
      assertThat(java.evaluator()).isEqualTo(XgbPredictor.Evaluator.JAVA_TREES);
      assertThat(java.predict(rows)).containsExactly(xgboost.predict(rows));
    }
  }

  @Test
  void treesThatDisagreeWithXgboostAtLoadAreNotUsed() throws Exception {
    TrainedModel model = train("reg:squarederror", Map.of());
    Booster booster = XGBoost.loadModel(modelBytes(model.artifact()));
    try {
      byte[] json = booster.toByteArray("json");
      assertThat(XgbPredictor.javaTrees(model.artifact(), booster, 3, json, json.length)).isNotNull();
      // a model too large to read as a JSON tree stays on XGBoost4J
      assertThat(XgbPredictor.javaTrees(model.artifact(), booster, 3, json, json.length - 1)).isNull();
      // one leaf of the last tree nudged: a tree walk that went wrong anywhere would look like this
      ObjectNode root = (ObjectNode) MAPPER.readTree(json);
      ArrayNode trees = (ArrayNode) root.at("/learner/gradient_booster/model/trees");
      JsonNode last = trees.get(trees.size() - 1);
      ArrayNode conditions = (ArrayNode) last.get("split_conditions");
      int leaf = 0;
      while (last.get("left_children").get(leaf).asInt() != -1) {
        leaf++;
      }
      conditions.set(leaf, conditions.get(leaf).floatValue() + 0.5f);
      byte[] nudged = MAPPER.writeValueAsBytes(root);
      assertThat(XgbPredictor.javaTrees(model.artifact(), booster, 3, nudged, nudged.length)).isNull();
    } finally {
      booster.dispose();
    }
  }

  @Test
  void aMissingValueTakesTheDefaultBranchAndTheThresholdItselfGoesRight() throws Exception {
    // one split on feature 1 at 2.5: left leaf 10, right leaf 20, missing goes right; base score 0.5
    TreeEnsemble trees = TreeEnsemble.fromJson(model("reg:squarederror", "5E-1", "[1, -1, -1]", "[2, -1, -1]",
        "[1, 0, 0]", "[2.5, 10, 20]", "[0, 0, 0]"), 2);
    assertThat(trees.predict(new float[] {0f, 2.4999998f})).isEqualTo(10.5f);
    assertThat(trees.predict(new float[] {0f, 2.5f})).isEqualTo(20.5f);
    assertThat(trees.predict(new float[] {0f, Float.NaN})).isEqualTo(20.5f);
    TreeEnsemble defaultLeft = TreeEnsemble.fromJson(model("reg:squarederror", "[5E-1]", "[1, -1, -1]",
        "[2, -1, -1]", "[1, 0, 0]", "[2.5, 10, 20]", "[1, 0, 0]"), 2);
    assertThat(defaultLeft.predict(new float[] {0f, Float.NaN})).isEqualTo(10.5f);
    TreeEnsemble logistic = TreeEnsemble.fromJson(model("binary:logistic", "5E-1", "[1, -1, -1]", "[2, -1, -1]",
        "[1, 0, 0]", "[2.5, -1, 1]", "[0, 0, 0]"), 2);
    assertThat(logistic.predict(new float[] {0f, 3f})).isCloseTo((float) (1 / (1 + Math.exp(-1))),
        org.assertj.core.data.Offset.offset(1e-7f));
  }

  @Test
  void modelsTheTreesCannotEvaluateExactlyAreRefusedWithTheReason() {
    assertThatThrownBy(() -> TreeEnsemble.fromJson(model("rank:ndcg", "5E-1", "[-1]", "[-1]", "[0]", "[1]",
        "[0]"), 2)).isInstanceOf(TreeEnsemble.UnsupportedModelException.class).hasMessageContaining("rank:ndcg");
    assertThatThrownBy(() -> TreeEnsemble.fromJson(model("reg:squarederror", "5E-1", "[1, -1, -1]", "[2, -1, -1]",
        "[7, 0, 0]", "[2.5, 10, 20]", "[0, 0, 0]"), 2))
        .isInstanceOf(TreeEnsemble.UnsupportedModelException.class).hasMessageContaining("feature 7 of 2");
    assertThatThrownBy(() -> TreeEnsemble.fromJson(model("reg:squarederror", "5E-1", "[0, -1, -1]", "[2, -1, -1]",
        "[1, 0, 0]", "[2.5, 10, 20]", "[0, 0, 0]"), 2))
        .isInstanceOf(TreeEnsemble.UnsupportedModelException.class).hasMessageContaining("out of order");
    assertThatThrownBy(() -> TreeEnsemble.fromJson(model("reg:squarederror", "[1E0, 2E0]", "[-1]", "[-1]", "[0]",
        "[1]", "[0]"), 2)).isInstanceOf(TreeEnsemble.UnsupportedModelException.class)
        .hasMessageContaining("more than one base score");
    assertThatThrownBy(() -> TreeEnsemble.fromJson(new String(model("multi:softprob", "5E-1", "[-1]", "[-1]", "[0]",
        "[1]", "[0]"), StandardCharsets.UTF_8).replace("\"num_class\": \"0\"", "\"num_class\": \"3\"")
        .getBytes(StandardCharsets.UTF_8), 2)).isInstanceOf(TreeEnsemble.UnsupportedModelException.class)
        .hasMessageContaining("objective 'multi:softprob'");
    assertThatThrownBy(() -> TreeEnsemble.fromJson(new String(model("reg:squarederror", "5E-1", "[-1]", "[-1]",
        "[0]", "[1]", "[0]"), StandardCharsets.UTF_8).replace("\"num_target\": \"1\"", "\"num_target\": \"2\"")
        .getBytes(StandardCharsets.UTF_8), 2)).isInstanceOf(TreeEnsemble.UnsupportedModelException.class)
        .hasMessageContaining("more than one output");
    assertThatThrownBy(() -> TreeEnsemble.fromJson(new String(model("reg:squarederror", "5E-1", "[-1]", "[-1]",
        "[0]", "[1]", "[0]"), StandardCharsets.UTF_8).replace("{\"learner\": {", "{\"learner\": {\"feature_types\": "
        + "[\"c\", \"float\"], ").getBytes(StandardCharsets.UTF_8), 2))
        .isInstanceOf(TreeEnsemble.UnsupportedModelException.class).hasMessageContaining("feature type 'c'");
    assertThatThrownBy(() -> TreeEnsemble.fromJson(model("reg:squarederror", "5E-1", "[1, -1, -1]", "[2, -1, -1]",
        "[1, 0, 0]", "[2.5, null, 20]", "[0, 0, 0]"), 2)).isInstanceOf(TreeEnsemble.UnsupportedModelException.class)
        .hasMessageContaining("tree 0 node 1 has no number");
    assertThatThrownBy(() -> TreeEnsemble.fromJson("{\"learner\": [".getBytes(StandardCharsets.UTF_8), 2))
        .isInstanceOf(TreeEnsemble.UnsupportedModelException.class).hasMessageContaining("does not parse");
  }

  /** A one-tree gbtree model in XGBoost's JSON layout. */
  private static byte[] model(String objective, String baseScore, String left, String right, String features,
      String conditions, String defaultLeft) {
    return ("{\"learner\": {\"objective\": {\"name\": \"" + objective + "\"}, \"learner_model_param\": "
        + "{\"base_score\": \"" + baseScore + "\", \"num_class\": \"0\", \"num_target\": \"1\"}, "
        + "\"gradient_booster\": {\"name\": \"gbtree\", \"model\": {\"tree_info\": [0], \"trees\": [{"
        + "\"tree_param\": {\"size_leaf_vector\": \"1\"}, \"categories_nodes\": [], \"left_children\": " + left
        + ", \"right_children\": " + right + ", \"split_indices\": " + features + ", \"split_conditions\": "
        + conditions + ", \"default_left\": " + defaultLeft + "}]}}}}").getBytes(StandardCharsets.UTF_8);
  }

  /**
   * A small model on three features with the given objective; labels that suit it (0/1, counts, positive amounts),
   * some feature values missing.
   */
  private TrainedModel train(String objective, Map<String, String> extra) throws IOException {
    Path d = Files.createDirectories(dir.resolve(objective.replace(':', '-') + extra.hashCode()));
    SplittableRandom random = new SplittableRandom(objective.hashCode());
    StringBuilder train = new StringBuilder();
    StringBuilder validation = new StringBuilder();
    for (int i = 0; i < 3_000; i++) {
      double a = random.nextDouble(0, 30);
      double b = random.nextInt(1, 7);
      double c = random.nextDouble(0, 24);
      double signal = 3 + 0.4 * a + 0.3 * b + Math.sin(c / 4) * 3; // 0.3 and up
      double label = switch (objective) {
        case "binary:logistic" -> signal + random.nextDouble(-3, 3) > 11 ? 1 : 0;
        case "count:poisson" -> Math.round(signal * random.nextDouble(0.5, 1.5));
        default -> 1 + signal + random.nextDouble(0, 2);
      };
      String missingA = random.nextInt(20) == 0 ? "" : String.valueOf((float) a);
      (i % 5 == 0 ? validation : train).append(label).append(',').append(missingA).append(',').append((float) b)
          .append(',').append((float) c).append('\n');
    }
    Path trainCsv = d.resolve("train.csv");
    Path validationCsv = d.resolve("validation.csv");
    Files.writeString(trainCsv, train);
    Files.writeString(validationCsv, validation);
    Map<String, String> hp = new HashMap<>(Map.of("objective", objective, "num_round", "30", "max_depth", "6",
        "eta", "0.3", "min_child_weight", "5"));
    hp.putAll(extra);
    return XgbTrainer.train(trainCsv, validationCsv, hp, d.resolve("model"), r -> { });
  }

  /** Rows like the training data, with some values missing and some at awkward magnitudes. */
  private static float[][] rows(int n, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    float[][] rows = new float[n][3];
    for (int i = 0; i < n; i++) {
      for (int f = 0; f < 3; f++) {
        int kind = random.nextInt(12);
        rows[i][f] = kind == 0 ? Float.NaN : kind == 1 ? (float) random.nextDouble(-1e6, 1e6)
            : (float) random.nextDouble(0, 30);
      }
    }
    return rows;
  }

  private static byte[] modelBytes(Path artifact) throws IOException {
    try (var in = new org.apache.commons.compress.archivers.tar.TarArchiveInputStream(
        new org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream(Files.newInputStream(artifact)))) {
      in.getNextEntry();
      return in.readAllBytes();
    }
  }
}
