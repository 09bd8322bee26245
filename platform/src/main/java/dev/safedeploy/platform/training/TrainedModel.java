package dev.safedeploy.platform.training;

import java.nio.file.Path;

/** @param artifact model.tar.gz holding xgboost-model */
public record TrainedModel(Path artifact, double validationRmse, double trainRmse, int rounds, int featureCount,
    long trainingMillis) {}
