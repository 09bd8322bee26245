package dev.safedeploy.platform.api;

import java.time.Instant;
import java.util.List;

/** @param status InService or Failed (with failureReason) */
public record Endpoint(String name, String model, List<Variant> variants, DataCaptureConfig dataCapture,
    String status, String failureReason, Instant createdAt, Instant weightsConfirmedAt) {

  public Variant variant(String variantName) {
    return variants.stream().filter(v -> v.name().equals(variantName)).findFirst().orElse(null);
  }

  public Endpoint withVariants(List<Variant> vs) {
    return new Endpoint(name, model, List.copyOf(vs), dataCapture, status, failureReason, createdAt,
        weightsConfirmedAt);
  }

  public Endpoint withStatus(String s, String reason) {
    return new Endpoint(name, model, variants, dataCapture, s, reason, createdAt, weightsConfirmedAt);
  }

  public Endpoint withDataCapture(DataCaptureConfig c) {
    return new Endpoint(name, model, variants, c, status, failureReason, createdAt, weightsConfirmedAt);
  }

  public Endpoint withConfirmedAt(Instant at) {
    return new Endpoint(name, model, variants, dataCapture, status, failureReason, createdAt, at);
  }
}
