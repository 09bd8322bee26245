package dev.safedeploy.platform.data;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.util.List;
import java.util.SplittableRandom;
import java.util.zip.GZIPOutputStream;

/**
 * Synthetic NYC green-taxi trips in the TLC trip-record schema (lpep_pickup_datetime, lpep_dropoff_datetime,
 * passenger_count, trip_distance, total_amount, ...) with realistic distributions. Deterministic for a given seed.
 *
 * <p>The model behind the numbers: demand follows a weekday/weekend time-of-day curve; distance is log-normal; speed
 * depends on the hour (rush hours slow, nights fast); duration is distance over speed plus pick-up overhead and noise;
 * the fare is the meter (initial charge, distance units while moving, time units while crawling) plus the night/rush
 * extra, MTA tax, improvement and congestion surcharges, occasional tolls, and tips only on card payments. So
 * total_amount is learnable from duration and distance but not exactly. About 1.5% of rows are dirty the way real TLC
 * files are (zero distance, refunds with negative amounts, absurd or negative durations, zero passengers).
 */
public final class TripGenerator {
  public static final List<String> COLUMNS = List.of("VendorID", "lpep_pickup_datetime", "lpep_dropoff_datetime",
      "store_and_fwd_flag", "RatecodeID", "PULocationID", "DOLocationID", "passenger_count", "trip_distance",
      "fare_amount", "extra", "mta_tax", "tip_amount", "tolls_amount", "ehail_fee", "improvement_surcharge",
      "total_amount", "payment_type", "trip_type", "congestion_surcharge");

  /** First pickup day; trips spread over {@link #DAYS} days from here. */
  static final LocalDate START = LocalDate.of(2019, 1, 1);
  static final int DAYS = 31;

  // Relative pickup demand per hour, shaped like the TLC green-taxi curves (weekday peaks at 8h and 18h).
  private static final double[] WEEKDAY_DEMAND = {2.6, 1.7, 1.2, 1.0, 1.0, 1.3, 2.6, 4.4, 5.2, 4.8, 4.3, 4.3, 4.5,
      4.6, 4.9, 5.4, 5.8, 6.2, 6.4, 6.0, 5.1, 4.5, 4.1, 3.4};
  private static final double[] WEEKEND_DEMAND = {4.6, 4.2, 3.6, 3.0, 2.2, 1.4, 1.2, 1.6, 2.3, 3.1, 3.8, 4.3, 4.6,
      4.7, 4.7, 4.8, 4.8, 4.9, 5.0, 4.8, 4.4, 4.3, 4.4, 4.6};
  // Typical door-to-door speed (mph) per hour on weekdays; weekends run at the night/midday speeds.
  private static final double[] WEEKDAY_MPH = {17.5, 18.5, 19.5, 20.0, 20.0, 18.5, 15.0, 11.0, 9.5, 10.5, 11.5, 11.5,
      11.0, 11.0, 10.5, 9.5, 9.0, 9.0, 9.5, 11.0, 13.0, 14.5, 15.5, 16.5};
  private static final double[] WEEKEND_MPH = {17.5, 18.5, 19.5, 20.0, 20.0, 20.0, 19.0, 17.0, 15.5, 14.0, 13.0, 12.5,
      12.0, 12.0, 12.0, 12.0, 12.0, 12.5, 13.0, 13.5, 14.5, 15.5, 16.0, 16.5};
  // Busy green-taxi zones (Harlem, Astoria, Jamaica, Downtown Brooklyn, ...); the rest are drawn uniformly.
  private static final int[] BUSY_ZONES = {74, 75, 41, 42, 7, 82, 166, 95, 97, 181, 65, 244, 116, 129, 255, 260, 152,
      43, 24, 61};

  private TripGenerator() {}

  /** Writes {@code trips} rows (with a header) to {@code outCsv}; returns the number of rows written. */
  public static long generate(long trips, long seed, Path outCsv) {
    return generate(trips, seed, outCsv, 1.0);
  }

  /**
   * Trips whose distances are {@code distanceFactor} times the usual (a drifted population: a new airport line, say);
   * durations and fares follow from the longer distances as they do for any trip.
   */
  public static long generate(long trips, long seed, Path outCsv, double distanceFactor) {
    if (!(distanceFactor > 0) || Double.isInfinite(distanceFactor)) {
      throw new IllegalArgumentException("distanceFactor must be positive, was " + distanceFactor);
    }
    if (trips < 0) {
      throw new IllegalArgumentException("trips must be >= 0, was " + trips);
    }
    try {
      Path parent = outCsv.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      try (OutputStream file = Files.newOutputStream(outCsv);
          OutputStream out = outCsv.getFileName().toString().endsWith(".gz")
              ? new GZIPOutputStream(file, 1 << 16) : new BufferedOutputStream(file, 1 << 16)) {
        new Writer(seed, out, distanceFactor).write(trips);
      }
      return trips;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + outCsv, e);
    }
  }

  /** One generation run: the random stream and the output buffer. */
  private static final class Writer {
    private final SplittableRandom random;
    private final OutputStream out;
    private final AsciiLine line = new AsciiLine(256);
    private final double[][] cumulativeDemand = {cumulative(WEEKDAY_DEMAND), cumulative(WEEKEND_DEMAND)};
    private final byte[][] dates; // "2019-01-01 " etc. per day index, with a margin for dropoffs after the last day
    private final boolean[] weekend;

    private final double distanceFactor;

    Writer(long seed, OutputStream out, double distanceFactor) {
      this.distanceFactor = distanceFactor;
      this.random = new SplittableRandom(seed);
      this.out = out;
      dates = new byte[DAYS + 2][];
      weekend = new boolean[DAYS + 2];
      for (int d = 0; d < dates.length; d++) {
        LocalDate date = START.plusDays(d);
        dates[d] = (date + " ").getBytes(StandardCharsets.US_ASCII);
        weekend[d] = date.getDayOfWeek() == DayOfWeek.SATURDAY || date.getDayOfWeek() == DayOfWeek.SUNDAY;
      }
    }

    void write(long trips) throws IOException {
      out.write((String.join(",", COLUMNS) + "\n").getBytes(StandardCharsets.US_ASCII));
      for (long i = 0; i < trips; i++) {
        trip();
        line.writeTo(out);
      }
    }

    private void trip() {
      SplittableRandom r = random;
      int day = r.nextInt(DAYS);
      boolean isWeekend = weekend[day];
      int hour = pick(cumulativeDemand[isWeekend ? 1 : 0], r.nextDouble());
      long pickup = day * 86_400L + hour * 3_600L + r.nextInt(3_600);

      // Log-normal distance, median ~1.9 miles, long right tail (airport and outer-borough runs).
      double distance = Math.min(Math.exp(0.65 + 0.75 * r.nextGaussian()) * distanceFactor, 60.0);
      double mph = (isWeekend ? WEEKEND_MPH : WEEKDAY_MPH)[hour] * Math.exp(0.22 * r.nextGaussian());
      mph = Math.max(3.0, Math.min(mph, 45.0));
      double minutes = distance / mph * 60.0 + 0.8 + Math.abs(0.6 * r.nextGaussian());
      int ratecode = 1;
      double rc = r.nextDouble();
      if (rc < 0.006 && distance > 8) {
        ratecode = 2; // JFK flat fare
      } else if (rc < 0.02) {
        ratecode = 5; // negotiated fare
      }

      // Dirty rows, in the proportions the filters of the seed are there for.
      double dirt = r.nextDouble();
      boolean zeroDistance = dirt < 0.006;
      boolean refund = dirt >= 0.006 && dirt < 0.009;
      boolean absurdDuration = dirt >= 0.009 && dirt < 0.012;
      boolean noPassengers = dirt >= 0.012 && dirt < 0.015;
      if (zeroDistance) {
        distance = 0.0;
      }
      distance = Math.round(distance * 100) / 100.0;
      long durationSeconds = Math.max(30L, Math.round(minutes * 60));
      if (absurdDuration) {
        durationSeconds = r.nextBoolean() ? -(60L + r.nextInt(3_600)) : 3L * 3_600 + r.nextInt(20 * 3_600);
      }
      long dropoff = pickup + durationSeconds;

      // The meter: $2.50 initial, $0.50 per 1/5 mile while moving, $0.50 per minute while crawling (< 12 mph).
      double crawlShare = Math.max(0.05, Math.min(0.9, 1.0 - mph / 16.0));
      double fare;
      if (ratecode == 2) {
        fare = 52.0;
      } else {
        fare = 2.5 + 2.5 * distance * (1.0 - 0.5 * crawlShare) + 0.5 * (minutes * crawlShare);
        if (ratecode == 5) {
          fare *= 0.8 + 0.5 * r.nextDouble();
        }
        fare = Math.round(fare * 2) / 2.0;
      }
      double extra = 0.0;
      if (hour >= 20 || hour < 6) {
        extra = 0.5;
      } else if (!isWeekend && hour >= 16) {
        extra = 1.0;
      }
      double mtaTax = ratecode == 5 && r.nextDouble() < 0.5 ? 0.0 : 0.5;
      double improvement = 0.3;
      double congestion = r.nextDouble() < 0.08 ? 2.75 : 0.0;
      double tolls = distance > 5 && r.nextDouble() < 0.06 ? 5.76 : 0.0;
      double p = r.nextDouble();
      int payment = p < 0.55 ? 1 : p < 0.98 ? 2 : p < 0.99 ? 3 : 4;
      double tip = 0.0;
      if (payment == 1 && r.nextDouble() > 0.18) {
        double rate = Math.max(0.05, Math.min(0.4, 0.18 + 0.05 * r.nextGaussian()));
        tip = Math.round((fare + extra) * rate * 100) / 100.0;
      }
      int passengers = passengers(r.nextDouble());
      if (noPassengers) {
        passengers = 0;
      }
      double total = fare + extra + mtaTax + tip + tolls + improvement + congestion;
      if (refund) {
        fare = -fare;
        extra = -extra;
        mtaTax = -mtaTax;
        tip = 0.0;
        tolls = -tolls;
        improvement = -improvement;
        congestion = -congestion;
        total = fare + extra + mtaTax + tolls + improvement + congestion;
        payment = 4;
      }

      AsciiLine b = line.reset();
      b.digit(r.nextDouble() < 0.8 ? 2 : 1).comma();
      datetime(b, pickup).comma();
      datetime(b, dropoff).comma();
      b.ch(r.nextDouble() < 0.995 ? 'N' : 'Y').comma();
      b.integer(ratecode).comma();
      b.integer(zone(r)).comma();
      b.integer(zone(r)).comma();
      b.integer(passengers).comma();
      b.cents(distance).comma();
      b.cents(fare).comma();
      b.cents(extra).comma();
      b.cents(mtaTax).comma();
      b.cents(tip).comma();
      b.cents(tolls).comma();
      b.comma(); // ehail_fee: always empty in green-taxi files
      b.cents(improvement).comma();
      b.cents(total).comma();
      b.integer(payment).comma();
      b.digit(r.nextDouble() < 0.98 ? 1 : 2).comma();
      b.cents(congestion).newline();
    }

    private AsciiLine datetime(AsciiLine b, long secondsFromStart) {
      long s = Math.floorMod(secondsFromStart, 86_400L);
      int day = (int) Math.floorDiv(secondsFromStart, 86_400L);
      if (day < 0 || day >= dates.length) {
        // only absurd rows get here; LocalDate is slow but exact
        b.bytes((START.plusDays(day) + " ").getBytes(StandardCharsets.US_ASCII));
      } else {
        b.bytes(dates[day]);
      }
      return b.two((int) (s / 3600)).ch(':').two((int) (s / 60 % 60)).ch(':').two((int) (s % 60));
    }

    private int zone(SplittableRandom r) {
      return r.nextDouble() < 0.6 ? BUSY_ZONES[r.nextInt(BUSY_ZONES.length)] : 1 + r.nextInt(265);
    }
  }

  private static int passengers(double u) {
    if (u < 0.83) {
      return 1;
    } else if (u < 0.91) {
      return 2;
    } else if (u < 0.935) {
      return 3;
    } else if (u < 0.945) {
      return 4;
    } else if (u < 0.98) {
      return 5;
    }
    return 6;
  }

  private static double[] cumulative(double[] weights) {
    double[] c = new double[weights.length];
    double sum = 0;
    for (double w : weights) {
      sum += w;
    }
    double acc = 0;
    for (int i = 0; i < weights.length; i++) {
      acc += weights[i] / sum;
      c[i] = acc;
    }
    c[c.length - 1] = 1.0;
    return c;
  }

  private static int pick(double[] cumulative, double u) {
    for (int i = 0; i < cumulative.length; i++) {
      if (u < cumulative[i]) {
        return i;
      }
    }
    return cumulative.length - 1;
  }
}
