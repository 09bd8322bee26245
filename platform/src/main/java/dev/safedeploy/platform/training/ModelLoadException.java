package dev.safedeploy.platform.training;

/** A model artifact that cannot be loaded (missing, not a tar.gz, no xgboost-model inside, corrupt booster). */
public class ModelLoadException extends RuntimeException {
  public ModelLoadException(String message, Throwable cause) {
    super(message, cause);
  }
}
