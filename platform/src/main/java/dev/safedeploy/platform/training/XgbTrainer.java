package dev.safedeploy.platform.training;

import dev.safedeploy.platform.data.BadDataException;
import dev.safedeploy.platform.data.NumericCsv;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.IntConsumer;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoost;
import ml.dmlc.xgboost4j.java.XGBoostError;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** XGBoost4J training with SageMaker-style hyperparameters, early stopping on validation:rmse. */
public final class XgbTrainer {
  /** The artifact's single entry, the name SageMaker's XGBoost container loads. */
  public static final String MODEL_ENTRY = "xgboost-model";
  public static final String ARTIFACT = "model.tar.gz";

  /** Driven by the loop here, not passed to XGBoost as booster parameters. */
  private static final Set<String> LOOP_PARAMETERS = Set.of("num_round", "early_stopping_rounds");

  private static final Logger log = LoggerFactory.getLogger(XgbTrainer.class);

  private XgbTrainer() {}

  /**
   * Trains on header-less, target-first CSVs and writes {@code outDir/model.tar.gz} containing {@code xgboost-model}.
   *
   * <p>Every hyperparameter except num_round and early_stopping_rounds goes to XGBoost as is (SageMaker's built-in
   * algorithm does the same); eval_metric is rmse, the metric the quality gate reads as validation:rmse. With
   * early_stopping_rounds, training stops when validation rmse has not improved for that many rounds and the model
   * keeps only the rounds up to the best one, so the reported validation rmse is exactly the artifact's.
   *
   * @param onRound called with each finished round, e.g. to heartbeat
   * @throws dev.safedeploy.platform.data.BadDataException for unreadable or malformed CSV
   * @throws IllegalArgumentException for hyperparameters XGBoost refuses
   */
  public static TrainedModel train(Path trainCsv, Path validationCsv, Map<String, String> hyperparameters,
      Path outDir, IntConsumer onRound) {
    long started = System.nanoTime();
    int numRound = positiveInt(hyperparameters, "num_round", 100);
    int earlyStopping = hyperparameters.containsKey("early_stopping_rounds")
        ? positiveInt(hyperparameters, "early_stopping_rounds", 0) : 0;
    Map<String, Object> params = new HashMap<>();
    params.put("verbosity", "1");
    // Half the cores unless told otherwise: OpenMP threads spin-wait at every barrier, and on a machine whose cores
    // are also busy serving (the local platform, a traffic generator) all-core training ran 4x slower than half-core.
    params.put("nthread", String.valueOf(Math.max(1, Runtime.getRuntime().availableProcessors() / 2)));
    hyperparameters.forEach((k, v) -> {
      if (!LOOP_PARAMETERS.contains(k)) {
        params.put(k, v);
      }
    });
    if (params.containsKey("eval_metric") && !"rmse".equals(params.get("eval_metric"))) {
      log.warn("eval_metric {} replaced by rmse: early stopping and the quality gate use validation:rmse",
          params.get("eval_metric"));
    }
    params.put("eval_metric", "rmse");

    NumericCsv.Table train = NumericCsv.read(trainCsv, false);
    NumericCsv.Table validation = NumericCsv.read(validationCsv, false);
    if (train.columns() < 2) {
      throw new BadDataException(trainCsv, 1, "need the target and at least one feature, found "
          + train.columns() + " column(s)");
    }
    if (validation.columns() != train.columns()) {
      throw new BadDataException(validationCsv, 1, "has " + validation.columns() + " columns, the training set "
          + train.columns());
    }
    int features = train.columns() - 1;

    DMatrix dtrain = null;
    DMatrix dvalid = null;
    Booster booster = null;
    Booster best = null;
    try {
      dtrain = matrix(train);
      dvalid = matrix(validation);
      try {
        // zero rounds: XGBoost validates the parameters and hands back an initialised booster we drive ourselves
        booster = XGBoost.train(dtrain, params, 0, Map.of(), null, null);
      } catch (XGBoostError e) {
        throw new IllegalArgumentException("XGBoost refused the hyperparameters " + hyperparameters + ": "
            + e.getMessage(), e);
      }
      DMatrix[] evals = {dvalid};
      String[] names = {"validation"};
      float[] metric = new float[1];
      double bestRmse = Double.POSITIVE_INFINITY;
      int bestRound = -1;
      byte[] bestModel = null;
      for (int round = 0; round < numRound; round++) {
        try {
          booster.update(dtrain, round);
          booster.evalSet(evals, names, round, metric);
        } catch (XGBoostError e) {
          // parameters are checked lazily, at the first update
          throw new IllegalArgumentException("XGBoost failed in round " + round + " with hyperparameters "
              + hyperparameters + ": " + e.getMessage(), e);
        }
        if (metric[0] < bestRmse) {
          bestRmse = metric[0];
          bestRound = round;
          bestModel = earlyStopping > 0 ? booster.toByteArray("ubj") : null;
        }
        onRound.accept(round + 1);
        if (earlyStopping > 0 && round - bestRound >= earlyStopping) {
          log.info("early stop after round {}: validation rmse best {} at round {}", round + 1, bestRmse,
              bestRound + 1);
          break;
        }
      }
      best = bestModel == null ? booster : XGBoost.loadModel(bestModel);
      int rounds = bestModel == null ? booster.getNumBoostedRound() : bestRound + 1;
      double validationRmse = rmse(best, dvalid, validation);
      double trainRmse = rmse(best, dtrain, train);
      Path artifact = writeArtifact(best, outDir);
      long millis = (System.nanoTime() - started) / 1_000_000;
      log.info("trained {} rounds on {} rows x {} features: validation:rmse {} train:rmse {} in {} ms", rounds,
          train.rows(), features, validationRmse, trainRmse, millis);
      return new TrainedModel(artifact, validationRmse, trainRmse, rounds, features, millis);
    } catch (XGBoostError e) {
      throw new IllegalStateException("XGBoost failed: " + e.getMessage(), e);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the model to " + outDir, e);
    } finally {
      if (best != null && best != booster) {
        best.dispose();
      }
      if (booster != null) {
        booster.dispose();
      }
      if (dtrain != null) {
        dtrain.dispose();
      }
      if (dvalid != null) {
        dvalid.dispose();
      }
    }
  }

  /** Column 0 is the label, the rest the features (SageMaker's CSV convention). */
  static DMatrix matrix(NumericCsv.Table table) throws XGBoostError {
    int rows = table.rows();
    int cols = table.columns();
    float[] labels = new float[rows];
    float[] x = new float[rows * (cols - 1)];
    float[] v = table.values();
    for (int r = 0; r < rows; r++) {
      labels[r] = v[r * cols];
      System.arraycopy(v, r * cols + 1, x, r * (cols - 1), cols - 1);
    }
    DMatrix m = new DMatrix(x, rows, cols - 1, Float.NaN);
    m.setLabel(labels);
    return m;
  }

  private static double rmse(Booster booster, DMatrix data, NumericCsv.Table table) throws XGBoostError {
    float[][] predictions = booster.predict(data);
    double sum = 0;
    int cols = table.columns();
    float[] v = table.values();
    for (int r = 0; r < predictions.length; r++) {
      double e = predictions[r][0] - v[r * cols];
      sum += e * e;
    }
    return Math.sqrt(sum / predictions.length);
  }

  /**
   * model.tar.gz with the single entry xgboost-model, in XGBoost's JSON model format: the format every XGBoost since
   * 1.0 (and so every SageMaker XGBoost container version) loads, detected by content when the name has no extension.
   */
  private static Path writeArtifact(Booster booster, Path outDir) throws XGBoostError, IOException {
    byte[] model = booster.toByteArray("json");
    Files.createDirectories(outDir);
    Path tmp = outDir.resolve(ARTIFACT + ".tmp");
    try (OutputStream file = Files.newOutputStream(tmp);
        GzipCompressorOutputStream gz = new GzipCompressorOutputStream(file);
        TarArchiveOutputStream tar = new TarArchiveOutputStream(gz)) {
      TarArchiveEntry entry = new TarArchiveEntry(MODEL_ENTRY);
      entry.setSize(model.length);
      entry.setMode(0644);
      tar.putArchiveEntry(entry);
      tar.write(model);
      tar.closeArchiveEntry();
      tar.finish();
    }
    Path artifact = outDir.resolve(ARTIFACT);
    Files.move(tmp, artifact, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    return artifact;
  }

  private static int positiveInt(Map<String, String> hp, String key, int fallback) {
    String v = hp.get(key);
    if (v == null) {
      return fallback;
    }
    try {
      int n = Integer.parseInt(v.strip());
      if (n > 0) {
        return n;
      }
    } catch (NumberFormatException ignored) {
      // reported below
    }
    throw new IllegalArgumentException(key + " must be a positive integer, was '" + v + "'");
  }
}
