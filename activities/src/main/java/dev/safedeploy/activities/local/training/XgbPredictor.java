package dev.safedeploy.activities.local.training;

import java.nio.file.Path;

/** A loaded model.tar.gz, ready to predict. Thread-safe. */
public final class XgbPredictor implements AutoCloseable {
  private XgbPredictor() {}

  /** @throws ModelLoadException when the artifact does not load */
  public static XgbPredictor load(Path modelTarGz) {
    throw new UnsupportedOperationException("TODO(local-ml)");
  }

  /** The number of features the model was trained on. */
  public int featureCount() {
    throw new UnsupportedOperationException("TODO(local-ml)");
  }

  /**
   * One prediction per row.
   *
   * @throws IllegalArgumentException when a row's width differs from {@link #featureCount()}
   */
  public float[] predict(float[][] rows) {
    throw new UnsupportedOperationException("TODO(local-ml)");
  }

  @Override
  public void close() {}
}
