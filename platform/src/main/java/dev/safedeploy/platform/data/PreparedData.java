package dev.safedeploy.platform.data;

import java.nio.file.Path;
import java.util.List;

/**
 * The output of {@link DataPreparation}: header-less target-first CSVs for train/validation/test, and baseline.csv with
 * a header (the target total_amount, then the features, like the seed's).
 */
public record PreparedData(Path train, Path validation, Path test, Path baseline, List<String> features,
    long rowsRead, long rowsKept, long trainRows, long validationRows, long testRows) {}
