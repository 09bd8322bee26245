package dev.safedeploy.platform.api;

import java.time.Instant;

/** A registered model: the artifact a variant serves, with the validation RMSE it was trained to. */
public record ModelRecord(String name, String artifact, String model, String version, Double validationRmse,
    Instant createdAt) {}
