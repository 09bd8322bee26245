package dev.safedeploy.platform.api;

/** SageMaker-style data capture: request and response of a sample of invocations, as JSON lines. */
public record DataCaptureConfig(boolean enabled, int samplingPercent) {

  public static DataCaptureConfig disabled() {
    return new DataCaptureConfig(false, 0);
  }
}
