package dev.safedeploy.activities.local.training;

import java.nio.file.Path;
import java.util.Map;
import java.util.function.IntConsumer;

/** XGBoost4J training with SageMaker-style hyperparameters, early stopping on validation:rmse. */
public final class XgbTrainer {
  private XgbTrainer() {}

  /**
   * Trains on header-less, target-first CSVs and writes {@code outDir/model.tar.gz} containing {@code xgboost-model}.
   *
   * @param onRound called with each finished round, e.g. to heartbeat
   * @throws dev.safedeploy.activities.local.data.BadDataException for unreadable or malformed CSV
   * @throws IllegalArgumentException for hyperparameters XGBoost refuses
   */
  public static TrainedModel train(Path trainCsv, Path validationCsv, Map<String, String> hyperparameters,
      Path outDir, IntConsumer onRound) {
    throw new UnsupportedOperationException("TODO(local-ml)");
  }
}
