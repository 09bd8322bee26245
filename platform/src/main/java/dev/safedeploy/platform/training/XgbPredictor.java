package dev.safedeploy.platform.training;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.XGBoost;
import ml.dmlc.xgboost4j.java.XGBoostError;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A loaded model.tar.gz, ready to predict. Thread-safe. A gbtree model whose predictions on probe rows match
 * XGBoost's own at load is evaluated in Java ({@link TreeEnsemble}: no native call per request), any other by
 * XGBoost's in-place prediction, which is safe to call concurrently on one booster; a read-write lock keeps
 * {@link #close()} from freeing it under a prediction. {@code -Dsafedeploy.predictor=xgboost4j} serves every model
 * by XGBoost4J.
 */
public final class XgbPredictor implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(XgbPredictor.class);
  /** Probe rows compared between XGBoost and the Java trees at load. */
  static final int PROBE_ROWS = 512;
  /**
   * Larger models (as JSON) stay on XGBoost4J: their JSON tree, read whole at load, would take several times this in
   * heap. The demo's models are about 100 KB.
   */
  static final int MAX_JAVA_TREES_JSON_BYTES = 32 << 20;

  /** Which code computes the predictions. */
  public enum Evaluator { JAVA_TREES, XGBOOST4J }

  /** Null when the trees serve: the booster is freed once they match it. */
  private final Booster booster;
  private final TreeEnsemble trees;
  private final int featureCount;
  private final ReadWriteLock lock = new ReentrantReadWriteLock();
  private volatile boolean closed;

  private XgbPredictor(Booster booster, TreeEnsemble trees, int featureCount) {
    this.booster = booster;
    this.trees = trees;
    this.featureCount = featureCount;
  }

  /** The largest model.tar.gz read (SageMaker's own limit for a model artifact is far above what XGBoost needs). */
  public static final long MAX_ARCHIVE_BYTES = 512L << 20;
  /** The largest xgboost-model entry read into memory, counted as it streams, whatever its header says. */
  public static final long MAX_MODEL_BYTES = 128L << 20;
  /** All entries together, uncompressed: a gzip bomb is stopped here, not when the heap runs out. */
  public static final long MAX_UNPACKED_BYTES = 512L << 20;
  private static final int MAX_ENTRIES = 1_000;

  /** @throws ModelLoadException when the artifact does not load or is over a size limit */
  public static XgbPredictor load(Path modelTarGz) {
    return load(modelTarGz, MAX_MODEL_BYTES, MAX_UNPACKED_BYTES);
  }

  /**
   * As {@link #load(Path)}, choosing the evaluator: {@link Evaluator#JAVA_TREES} where they match XGBoost (else
   * XGBoost4J), or {@link Evaluator#XGBOOST4J} always (comparisons, benchmarks).
   */
  public static XgbPredictor load(Path modelTarGz, Evaluator preferred) {
    return load(modelTarGz, MAX_MODEL_BYTES, MAX_UNPACKED_BYTES, preferred == Evaluator.JAVA_TREES);
  }

  /** As {@link #load(Path)} with other limits (tests). */
  static XgbPredictor load(Path modelTarGz, long maxModelBytes, long maxUnpackedBytes) {
    return load(modelTarGz, maxModelBytes, maxUnpackedBytes,
        !"xgboost4j".equals(System.getProperty("safedeploy.predictor")));
  }

  /** As {@link #load(Path)}; without {@code javaTrees}, every prediction by XGBoost4J (tests, comparisons). */
  static XgbPredictor load(Path modelTarGz, long maxModelBytes, long maxUnpackedBytes, boolean javaTrees) {
    if (!Files.isRegularFile(modelTarGz)) {
      throw new ModelLoadException("model artifact " + modelTarGz + " does not exist", null);
    }
    try {
      long size = Files.size(modelTarGz);
      if (size > MAX_ARCHIVE_BYTES) {
        throw new ModelLoadException("model artifact " + modelTarGz + " is " + size + " bytes, over the limit of "
            + MAX_ARCHIVE_BYTES, null);
      }
    } catch (IOException e) {
      throw new ModelLoadException("model artifact " + modelTarGz + " cannot be read: " + e.getMessage(), e);
    }
    byte[] model = null;
    List<String> entries = new ArrayList<>();
    try (InputStream file = Files.newInputStream(modelTarGz);
        GzipCompressorInputStream gz = new GzipCompressorInputStream(file);
        CappedInputStream unpacked = new CappedInputStream(gz, maxUnpackedBytes, "the archive unpacks to more than "
            + maxUnpackedBytes + " bytes");
        TarArchiveInputStream tar = new TarArchiveInputStream(unpacked)) {
      TarArchiveEntry entry;
      while ((entry = tar.getNextEntry()) != null) {
        String name = entry.getName().startsWith("./") ? entry.getName().substring(2) : entry.getName();
        if (entries.size() == MAX_ENTRIES) {
          throw new ModelLoadException("model artifact " + modelTarGz + " has more than " + MAX_ENTRIES
              + " entries", null);
        }
        entries.add(name.length() > 100 ? name.substring(0, 100) + "..." : name);
        if (entry.isFile() && name.equals(XgbTrainer.MODEL_ENTRY)) {
          // the header's size is not trusted: the bytes are counted as they come
          model = new CappedInputStream(tar, maxModelBytes, "'" + XgbTrainer.MODEL_ENTRY + "' is larger than the "
              + "limit of " + maxModelBytes + " bytes").readAllBytes();
        }
      }
    } catch (CappedInputStream.OverLimitException e) {
      throw new ModelLoadException("model artifact " + modelTarGz + ": " + e.getMessage(), e);
    } catch (IOException | RuntimeException e) {
      if (e instanceof ModelLoadException m) {
        throw m;
      }
      throw new ModelLoadException("model artifact " + modelTarGz + " is not a readable tar.gz: " + e.getMessage(),
          e);
    }
    if (model == null) {
      throw new ModelLoadException("model artifact " + modelTarGz + " has no '" + XgbTrainer.MODEL_ENTRY
          + "' entry (entries: " + (entries.size() > 20 ? entries.subList(0, 20) + "..." : entries) + ")", null);
    }
    if (model.length == 0) {
      throw new ModelLoadException("model artifact " + modelTarGz + ": '" + XgbTrainer.MODEL_ENTRY + "' is empty",
          null);
    }
    Booster booster;
    try {
      booster = XGBoost.loadModel(model);
    } catch (XGBoostError | IOException | RuntimeException e) {
      throw new ModelLoadException("model artifact " + modelTarGz + ": '" + XgbTrainer.MODEL_ENTRY
          + "' is not an XGBoost model: " + e.getMessage(), e);
    }
    try {
      // one thread per request: a model server gets its parallelism from concurrent requests, and small batches
      // do not pay for OpenMP fan-out on a machine with few cores
      booster.setParam("nthread", 1);
      long features = booster.getNumFeature();
      if (features <= 0) {
        throw new ModelLoadException("model artifact " + modelTarGz + " has a model without features", null);
      }
      TreeEnsemble trees = javaTrees ? javaTrees(modelTarGz, booster, (int) features) : null;
      if (trees != null) {
        booster.dispose();
        return new XgbPredictor(null, trees, (int) features);
      }
      return new XgbPredictor(booster, null, (int) features);
    } catch (XGBoostError e) {
      booster.dispose();
      throw new ModelLoadException("model artifact " + modelTarGz + ": " + e.getMessage(), e);
    }
  }

  /** The booster's trees, read from it saved as JSON, when they match it; null (the reason logged) else. */
  private static TreeEnsemble javaTrees(Path artifact, Booster booster, int featureCount) {
    byte[] json;
    try {
      json = booster.toByteArray("json");
    } catch (XGBoostError e) {
      log.info("model {}: predicted by XGBoost4J (it does not save as JSON: {})", artifact, e.getMessage());
      return null;
    }
    try {
      return javaTrees(artifact, booster, featureCount, json, MAX_JAVA_TREES_JSON_BYTES);
    } catch (XGBoostError e) {
      log.info("model {}: predicted by XGBoost4J (it does not predict the probe rows: {})", artifact,
          e.getMessage());
      return null;
    }
  }

  /**
   * The trees of {@code json} (the booster's, saved as JSON) when they predict what XGBoost predicts on
   * {@link #PROBE_ROWS} rows at the edges of every split (exactly, or within a float rounding of the link function);
   * null, with the reason logged, when they do not, the model is of a kind they do not evaluate, or its JSON is over
   * {@code maxJsonBytes}.
   */
  static TreeEnsemble javaTrees(Path artifact, Booster booster, int featureCount, byte[] json, int maxJsonBytes)
      throws XGBoostError {
    if (json.length > maxJsonBytes) {
      log.info("model {}: predicted by XGBoost4J (its JSON is {} bytes, over {} for the Java trees)", artifact,
          json.length, maxJsonBytes);
      return null;
    }
    TreeEnsemble trees;
    try {
      trees = TreeEnsemble.fromJson(json, featureCount);
    } catch (TreeEnsemble.UnsupportedModelException e) {
      log.info("model {}: predicted by XGBoost4J ({})", artifact, e.getMessage());
      return null;
    }
    float[] probe = trees.probeRows(PROBE_ROWS);
    float[][] expected = booster.inplace_predict(probe, PROBE_ROWS, featureCount, Float.NaN);
    for (int r = 0; r < PROBE_ROWS; r++) {
      float mine = trees.predict(probe, r * featureCount);
      float theirs = expected[r][0];
      if (!(mine == theirs || Math.abs(mine - theirs) <= 1e-6f * Math.max(1f, Math.abs(theirs)))) {
        log.warn("model {}: the Java trees predict {} where XGBoost predicts {} for probe row {}; predicted by "
            + "XGBoost4J", artifact, mine, theirs, r);
        return null;
      }
    }
    log.debug("model {}: predicted by its {} trees in Java ({})", artifact, trees.trees(), trees.objective());
    return trees;
  }

  /** Which code computes this model's predictions. */
  public Evaluator evaluator() {
    return trees != null ? Evaluator.JAVA_TREES : Evaluator.XGBOOST4J;
  }

  /** The number of features the model was trained on. */
  public int featureCount() {
    return featureCount;
  }

  /**
   * One prediction per row.
   *
   * @throws IllegalArgumentException when a row's width differs from {@link #featureCount()}
   */
  public float[] predict(float[][] rows) {
    if (rows == null) {
      throw new IllegalArgumentException("rows must not be null");
    }
    for (int i = 0; i < rows.length; i++) {
      if (rows[i] == null || rows[i].length != featureCount) {
        throw new IllegalArgumentException("row " + (i + 1) + " has " + (rows[i] == null ? 0 : rows[i].length)
            + " values, the model expects " + featureCount + " features");
      }
    }
    if (rows.length == 0) {
      return new float[0];
    }
    if (trees != null) {
      if (closed) {
        throw new IllegalStateException("predictor is closed");
      }
      float[] predictions = new float[rows.length];
      for (int i = 0; i < predictions.length; i++) {
        predictions[i] = trees.predict(rows[i]);
      }
      return predictions;
    }
    float[] flat = new float[rows.length * featureCount];
    for (int i = 0; i < rows.length; i++) {
      System.arraycopy(rows[i], 0, flat, i * featureCount, featureCount);
    }
    lock.readLock().lock();
    try {
      if (closed) {
        throw new IllegalStateException("predictor is closed");
      }
      float[][] out = booster.inplace_predict(flat, rows.length, featureCount, Float.NaN);
      float[] predictions = new float[rows.length];
      for (int i = 0; i < predictions.length; i++) {
        predictions[i] = out[i][0];
      }
      return predictions;
    } catch (XGBoostError e) {
      throw new IllegalStateException("prediction failed: " + e.getMessage(), e);
    } finally {
      lock.readLock().unlock();
    }
  }

  @Override
  public void close() {
    lock.writeLock().lock();
    try {
      if (!closed) {
        closed = true;
        if (booster != null) {
          booster.dispose();
        }
      }
    } finally {
      lock.writeLock().unlock();
    }
  }
}
