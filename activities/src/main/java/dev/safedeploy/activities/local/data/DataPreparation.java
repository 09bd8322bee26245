package dev.safedeploy.activities.local.data;

import java.nio.file.Path;
import java.util.List;

/**
 * The seed's preparation, from real TLC files (CSV or Parquet) or generated ones: target total_amount, features
 * (default duration_minutes, passenger_count, trip_distance), filters 0<total_amount<200, 0<duration<120,
 * 0<trip_distance<121, passenger_count>0, split 80/19/1 with the given seed.
 */
public final class DataPreparation {
  public static final List<String> DEFAULT_FEATURES = List.of("duration_minutes", "passenger_count", "trip_distance");
  public static final long DEFAULT_SEED = 42;

  private DataPreparation() {}

  /** @throws BadDataException naming the file and line for missing columns or garbage rows */
  public static PreparedData prepare(Path input, Path outDir, List<String> features, long seed) {
    throw new UnsupportedOperationException("TODO(local-ml)");
  }
}
