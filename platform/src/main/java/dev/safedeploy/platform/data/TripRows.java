package dev.safedeploy.platform.data;

import java.nio.file.Path;
import java.util.List;

/** What a trip-file reader hands to the preparation: one callback per data row, already typed. */
interface TripRows {

  /** The pickup/dropoff column pairs we accept: green (lpep_) and yellow (tpep_) trip records. */
  List<String> PICKUP_COLUMNS = List.of("lpep_pickup_datetime", "tpep_pickup_datetime");
  List<String> DROPOFF_COLUMNS = List.of("lpep_dropoff_datetime", "tpep_dropoff_datetime");

  /**
   * Reads every data row of {@code file}. {@code numericColumns} are the columns to deliver as doubles, in this order
   * (NaN when the value is empty/null).
   *
   * @throws BadDataException for a missing column or an unreadable file
   */
  void read(Path file, List<String> numericColumns, Handler handler);

  interface Handler {
    /**
     * @param line 1-based line (CSV, the header being line 1) or row number (Parquet)
     * @param pickup seconds since 1970-01-01T00:00 of the wall-clock pickup time, {@link Long#MIN_VALUE} if empty
     * @param dropoff same for the dropoff
     * @param numeric the requested numeric columns; reused between calls
     */
    void row(long line, long pickup, long dropoff, double[] numeric);

    /** A row that cannot be parsed at all. */
    void garbage(long line, String reason);
  }

  static String resolve(List<String> candidates, List<String> available, Path file, long line) {
    for (String c : candidates) {
      if (available.contains(c)) {
        return c;
      }
    }
    throw missing(candidates.get(0), available, file, line);
  }

  static BadDataException missing(String column, List<String> available, Path file, long line) {
    return new BadDataException(file, line,
        "missing required column '" + column + "' (the file has: " + String.join(", ", available) + ")");
  }

  /** Days from 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
  static long epochDay(int y, int m, int d) {
    y -= m <= 2 ? 1 : 0;
    long era = Math.floorDiv(y, 400);
    long yoe = y - era * 400;
    long doy = (153L * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146_097 + doe - 719_468;
  }
}
