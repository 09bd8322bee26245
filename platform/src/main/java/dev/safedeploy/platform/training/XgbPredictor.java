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

/**
 * A loaded model.tar.gz, ready to predict. Thread-safe: predictions use XGBoost's in-place prediction, which is safe
 * to call concurrently on one booster; a read-write lock keeps {@link #close()} from freeing it under a prediction.
 */
public final class XgbPredictor implements AutoCloseable {
  private final Booster booster;
  private final int featureCount;
  private final ReadWriteLock lock = new ReentrantReadWriteLock();
  private boolean closed;

  private XgbPredictor(Booster booster, int featureCount) {
    this.booster = booster;
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

  /** As {@link #load(Path)} with other limits (tests). */
  static XgbPredictor load(Path modelTarGz, long maxModelBytes, long maxUnpackedBytes) {
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
      return new XgbPredictor(booster, (int) features);
    } catch (XGBoostError e) {
      booster.dispose();
      throw new ModelLoadException("model artifact " + modelTarGz + ": " + e.getMessage(), e);
    }
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
    float[] flat = new float[rows.length * featureCount];
    for (int i = 0; i < rows.length; i++) {
      if (rows[i] == null || rows[i].length != featureCount) {
        throw new IllegalArgumentException("row " + (i + 1) + " has " + (rows[i] == null ? 0 : rows[i].length)
            + " values, the model expects " + featureCount + " features");
      }
      System.arraycopy(rows[i], 0, flat, i * featureCount, featureCount);
    }
    if (rows.length == 0) {
      return new float[0];
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
        booster.dispose();
      }
    } finally {
      lock.writeLock().unlock();
    }
  }
}
