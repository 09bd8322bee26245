package dev.safedeploy.platform.training;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.safedeploy.workflows.json.JsonMapping;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * A gbtree booster's trees in flat arrays, evaluated in Java the way XGBoost's CPU predictor does: a value that is
 * missing (NaN) takes the node's default branch, else {@code value < split} goes left; the margin starts at the base
 * score's margin and adds each tree's leaf in tree order, in float; the objective's link maps it to the prediction.
 *
 * <p>Why not XGBoost4J for every request: its in-place prediction pays a fixed cost per call (a new proxy matrix
 * whose context reads the cgroup CPU quota from /sys, the JSON prediction config parsed, a device string matched by
 * regex) that is far larger than walking a few hundred nodes; profiled under {@code bench router} it was most of a
 * request's CPU. XGBoost stays the reference: {@link XgbPredictor} uses these trees only for a model whose
 * predictions on probe rows match XGBoost's own at load, and XGBoost4J for anything else.
 */
final class TreeEnsemble {
  /** Objectives whose prediction is the margin itself. */
  private static final Set<String> IDENTITY = Set.of("reg:squarederror", "reg:linear", "reg:squaredlogerror",
      "reg:pseudohubererror", "reg:absoluteerror", "binary:logitraw");
  /** Objectives whose prediction is the logistic of the margin. */
  private static final Set<String> LOGISTIC = Set.of("reg:logistic", "binary:logistic");
  /** Objectives whose prediction is the exponential of the margin (log link). */
  private static final Set<String> LOG_LINK = Set.of("count:poisson", "reg:gamma", "reg:tweedie");

  /** XGBoost's feature types other than categorical ("c"). */
  private static final Set<String> NUMERICAL_TYPES = Set.of("float", "int", "q", "i");

  private enum Link { IDENTITY, LOGISTIC, EXP }

  /** A model these trees cannot evaluate exactly as XGBoost does; it is served by XGBoost4J. */
  static final class UnsupportedModelException extends Exception {
    UnsupportedModelException(String message) {
      super(message);
    }
  }

  private final int featureCount;
  private final int[] roots;
  private final int[] left;
  private final int[] right;
  private final int[] feature;
  /** A split node's threshold, a leaf's value. */
  private final float[] value;
  private final boolean[] defaultLeft;
  private final float baseMargin;
  private final Link link;
  private final String objective;

  private TreeEnsemble(int featureCount, int[] roots, int[] left, int[] right, int[] feature, float[] value,
      boolean[] defaultLeft, float baseMargin, Link link, String objective) {
    this.featureCount = featureCount;
    this.roots = roots;
    this.left = left;
    this.right = right;
    this.feature = feature;
    this.value = value;
    this.defaultLeft = defaultLeft;
    this.baseMargin = baseMargin;
    this.link = link;
    this.objective = objective;
  }

  /**
   * Reads a booster saved as JSON ({@code Booster.toByteArray("json")}).
   *
   * @throws UnsupportedModelException for anything but single-output gbtree models with numerical splits and one of
   *     the objectives above, or a model that is not well formed
   */
  static TreeEnsemble fromJson(byte[] json, int featureCount) throws UnsupportedModelException {
    JsonNode root;
    try {
      // exact decimals: every threshold is read as the float XGBoost wrote, not rounded through a double first
      ObjectMapper exact = JsonMapping.mapper().copy().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
      root = exact.readTree(json);
    } catch (IOException e) {
      throw new UnsupportedModelException("the model's JSON does not parse: " + e.getMessage());
    }
    JsonNode learner = root.path("learner");
    JsonNode booster = learner.path("gradient_booster");
    if (!"gbtree".equals(booster.path("name").asText())) {
      throw new UnsupportedModelException("booster '" + booster.path("name").asText() + "' is not gbtree");
    }
    String objective = learner.path("objective").path("name").asText();
    Link link = IDENTITY.contains(objective) ? Link.IDENTITY : LOGISTIC.contains(objective) ? Link.LOGISTIC
        : LOG_LINK.contains(objective) ? Link.EXP : null;
    if (link == null) {
      throw new UnsupportedModelException("objective '" + objective + "'");
    }
    JsonNode param = learner.path("learner_model_param");
    if (param.path("num_class").asInt(0) > 1 || param.path("num_target").asInt(1) != 1) {
      throw new UnsupportedModelException("more than one output per row");
    }
    for (JsonNode type : learner.path("feature_types")) {
      if (!NUMERICAL_TYPES.contains(type.asText())) {
        throw new UnsupportedModelException("feature type '" + type.asText() + "'");
      }
    }
    float base = baseScore(param.path("base_score").asText());
    float margin = switch (link) {
      case IDENTITY -> base;
      case LOGISTIC -> (float) -Math.log(1.0f / base - 1.0f);
      case EXP -> (float) Math.log(base);
    };
    if (!Float.isFinite(margin)) {
      throw new UnsupportedModelException("base score " + base + " has no finite margin for " + objective);
    }
    JsonNode trees = booster.path("model").path("trees");
    JsonNode info = booster.path("model").path("tree_info");
    if (!trees.isArray() || trees.isEmpty()) {
      throw new UnsupportedModelException("no trees");
    }
    for (JsonNode group : info) {
      if (group.asInt() != 0) {
        throw new UnsupportedModelException("trees for more than one output group");
      }
    }
    int total = 0;
    for (JsonNode tree : trees) {
      total += tree.path("left_children").size();
    }
    int[] roots = new int[trees.size()];
    int[] left = new int[total];
    int[] right = new int[total];
    int[] feature = new int[total];
    float[] value = new float[total];
    boolean[] defaultLeft = new boolean[total];
    int offset = 0;
    for (int t = 0; t < trees.size(); t++) {
      JsonNode tree = trees.get(t);
      if (tree.path("tree_param").path("size_leaf_vector").asInt(1) > 1) {
        throw new UnsupportedModelException("tree " + t + " has vector leaves");
      }
      if (tree.path("categories_nodes").size() > 0) {
        throw new UnsupportedModelException("tree " + t + " has categorical splits");
      }
      JsonNode l = tree.path("left_children");
      JsonNode r = tree.path("right_children");
      JsonNode f = tree.path("split_indices");
      JsonNode c = tree.path("split_conditions");
      JsonNode d = tree.path("default_left");
      JsonNode s = tree.path("split_type");
      int n = l.size();
      if (n == 0 || r.size() != n || f.size() != n || c.size() != n || d.size() != n
          || (s.size() != 0 && s.size() != n)) {
        throw new UnsupportedModelException("tree " + t + " is not well formed");
      }
      roots[t] = offset;
      for (int i = 0; i < n; i++) {
        int li = l.get(i).asInt();
        int ri = r.get(i).asInt();
        if (s.size() != 0 && s.get(i).asInt() != 0) {
          throw new UnsupportedModelException("tree " + t + " has a categorical split");
        }
        if (li == -1) {
          left[offset + i] = -1;
          right[offset + i] = -1;
        } else {
          if (li <= i || li >= n || ri <= i || ri >= n) {
            throw new UnsupportedModelException("tree " + t + " node " + i + " has children out of order");
          }
          int fi = f.get(i).asInt();
          if (fi < 0 || fi >= featureCount) {
            throw new UnsupportedModelException("tree " + t + " splits on feature " + fi + " of " + featureCount);
          }
          left[offset + i] = offset + li;
          right[offset + i] = offset + ri;
          feature[offset + i] = fi;
          defaultLeft[offset + i] = d.get(i).asInt() != 0;
        }
        value[offset + i] = number(c.get(i), t, i);
      }
      offset += n;
    }
    return new TreeEnsemble(featureCount, roots, left, right, feature, value, defaultLeft, margin, link, objective);
  }

  /** A split's threshold or a leaf's value, exactly as written. */
  private static float number(JsonNode node, int tree, int index) throws UnsupportedModelException {
    if (!node.isNumber()) {
      throw new UnsupportedModelException("tree " + tree + " node " + index + " has no number for its split or leaf");
    }
    return Float.parseFloat(node.asText());
  }

  /** XGBoost writes base_score as "1.2E1", newer versions as a vector "[1.2E1]". */
  private static float baseScore(String text) throws UnsupportedModelException {
    String t = text.trim();
    if (t.startsWith("[") && t.endsWith("]")) {
      t = t.substring(1, t.length() - 1).trim();
    }
    if (t.contains(",")) {
      throw new UnsupportedModelException("more than one base score");
    }
    try {
      return Float.parseFloat(t);
    } catch (NumberFormatException e) {
      throw new UnsupportedModelException("base score '" + text + "' is not a number");
    }
  }

  String objective() {
    return objective;
  }

  int trees() {
    return roots.length;
  }

  /** The prediction for one row of the model's features (NaN: missing). */
  float predict(float[] row) {
    return predict(row, 0);
  }

  /** The prediction for the row starting at {@code from} in a row-major matrix. */
  float predict(float[] rows, int from) {
    float sum = baseMargin;
    for (int root : roots) {
      int n = root;
      int l;
      while ((l = left[n]) >= 0) {
        float x = rows[from + feature[n]];
        n = x != x ? (defaultLeft[n] ? l : right[n]) : (x < value[n] ? l : right[n]);
      }
      sum += value[n];
    }
    return switch (link) {
      case IDENTITY -> sum;
      // XGBoost's common::Sigmoid, in float
      case LOGISTIC -> 1.0f / ((float) Math.exp(Math.min(-sum, 88.7f)) + 1.0f);
      case EXP -> (float) Math.exp(sum);
    };
  }

  /**
   * Rows that reach the edges of every split: per feature a threshold the trees use, the floats just below and
   * above it, a missing value, or a value near a threshold; the same rows for the same model.
   */
  float[] probeRows(int count) {
    List<List<Float>> thresholds = new ArrayList<>();
    for (int i = 0; i < featureCount; i++) {
      thresholds.add(new ArrayList<>());
    }
    for (int n = 0; n < left.length; n++) {
      if (left[n] >= 0) {
        thresholds.get(feature[n]).add(value[n]);
      }
    }
    SplittableRandom random = new SplittableRandom(31L * left.length + featureCount);
    float[] rows = new float[count * featureCount];
    for (int r = 0; r < count; r++) {
      for (int f = 0; f < featureCount; f++) {
        List<Float> ts = thresholds.get(f);
        float t = ts.isEmpty() ? (float) random.nextDouble(-10, 10) : ts.get(random.nextInt(ts.size()));
        rows[r * featureCount + f] = switch (random.nextInt(6)) {
          case 0 -> Float.NaN;
          case 1 -> t;
          case 2 -> Math.nextDown(t);
          case 3 -> Math.nextUp(t);
          case 4 -> t + (float) random.nextDouble(-1, 1) * Math.max(1f, Math.abs(t));
          default -> 0f;
        };
      }
    }
    return rows;
  }
}
