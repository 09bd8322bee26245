package dev.safedeploy.activities.local.data;

import java.nio.file.Path;

/**
 * Synthetic NYC green-taxi trips in the TLC trip-record schema (lpep_pickup_datetime, lpep_dropoff_datetime,
 * passenger_count, trip_distance, total_amount, ...) with realistic distributions. Deterministic for a given seed.
 */
public final class TripGenerator {
  private TripGenerator() {}

  /** Writes {@code trips} rows (with a header) to {@code outCsv}; returns the number of rows written. */
  public static long generate(long trips, long seed, Path outCsv) {
    throw new UnsupportedOperationException("TODO(local-ml)");
  }
}
