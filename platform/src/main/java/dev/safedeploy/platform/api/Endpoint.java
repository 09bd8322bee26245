package dev.safedeploy.platform.api;

import java.time.Instant;
import java.util.List;

/**
 * @param status InService or Failed (with failureReason)
 * @param inputWidth the number of values in a row of live traffic (the endpoint's input contract), derived by the
 *     platform: the width every variant's model takes; while variants disagree, the width the endpoint had before
 *     (a new variant must fit the traffic, not the other way round). A row of another width is the caller's error
 *     (400); a row of this width that a variant's model cannot take is that model's error (500).
 */
public record Endpoint(String name, String model, List<Variant> variants, DataCaptureConfig dataCapture,
    String status, String failureReason, Instant createdAt, Instant weightsConfirmedAt, Integer inputWidth) {

  /** A request (or a state file from before the input contract): the platform derives the width. */
  public Endpoint(String name, String model, List<Variant> variants, DataCaptureConfig dataCapture, String status,
      String failureReason, Instant createdAt, Instant weightsConfirmedAt) {
    this(name, model, variants, dataCapture, status, failureReason, createdAt, weightsConfirmedAt, null);
  }

  public Variant variant(String variantName) {
    return variants.stream().filter(v -> v.name().equals(variantName)).findFirst().orElse(null);
  }

  public Endpoint withVariants(List<Variant> vs) {
    return new Endpoint(name, model, List.copyOf(vs), dataCapture, status, failureReason, createdAt,
        weightsConfirmedAt, inputWidth);
  }

  public Endpoint withStatus(String s, String reason) {
    return new Endpoint(name, model, variants, dataCapture, s, reason, createdAt, weightsConfirmedAt, inputWidth);
  }

  public Endpoint withDataCapture(DataCaptureConfig c) {
    return new Endpoint(name, model, variants, c, status, failureReason, createdAt, weightsConfirmedAt, inputWidth);
  }

  public Endpoint withConfirmedAt(Instant at) {
    return new Endpoint(name, model, variants, dataCapture, status, failureReason, createdAt, at, inputWidth);
  }

  public Endpoint withInputWidth(Integer width) {
    return new Endpoint(name, model, variants, dataCapture, status, failureReason, createdAt, weightsConfirmedAt,
        width);
  }
}
