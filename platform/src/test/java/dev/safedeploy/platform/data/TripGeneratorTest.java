package dev.safedeploy.platform.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TripGeneratorTest {
  private static final DateTimeFormatter TLC = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
  @TempDir static Path dir;
  static List<String[]> rows;
  static List<String> header;

  @BeforeAll
  static void generate() throws Exception {
    Path csv = dir.resolve("trips.csv");
    assertThat(TripGenerator.generate(20_000, 11, csv)).isEqualTo(20_000);
    List<String> lines = Files.readAllLines(csv);
    header = List.of(lines.get(0).split(","));
    rows = new ArrayList<>();
    for (String l : lines.subList(1, lines.size())) {
      rows.add(l.split(",", -1));
    }
  }

  private static int col(String name) {
    return header.indexOf(name);
  }

  @Test
  void writesTheTlcGreenSchemaWithAHeader() {
    assertThat(header).containsExactly("VendorID", "lpep_pickup_datetime", "lpep_dropoff_datetime",
        "store_and_fwd_flag", "RatecodeID", "PULocationID", "DOLocationID", "passenger_count", "trip_distance",
        "fare_amount", "extra", "mta_tax", "tip_amount", "tolls_amount", "ehail_fee", "improvement_surcharge",
        "total_amount", "payment_type", "trip_type", "congestion_surcharge");
    assertThat(rows).hasSize(20_000).allSatisfy(r -> assertThat(r).hasSize(20));
    assertThat(rows.get(0)[col("lpep_pickup_datetime")]).matches("2019-01-\\d\\d \\d\\d:\\d\\d:\\d\\d");
  }

  @Test
  void isDeterministicForASeed() throws Exception {
    Path a = dir.resolve("a.csv");
    Path b = dir.resolve("b.csv");
    Path c = dir.resolve("c.csv");
    TripGenerator.generate(2_000, 5, a);
    TripGenerator.generate(2_000, 5, b);
    TripGenerator.generate(2_000, 6, c);
    assertThat(Files.readAllBytes(a)).isEqualTo(Files.readAllBytes(b));
    assertThat(Files.readAllBytes(a)).isNotEqualTo(Files.readAllBytes(c));
  }

  @Test
  void gzNamesAreCompressed() throws Exception {
    Path gz = dir.resolve("t.csv.gz");
    Path plain = dir.resolve("t.csv");
    TripGenerator.generate(500, 5, gz);
    TripGenerator.generate(500, 5, plain);
    try (var in = new GZIPInputStream(Files.newInputStream(gz))) {
      assertThat(in.readAllBytes()).isEqualTo(Files.readAllBytes(plain));
    }
  }

  @Test
  void distributionsAreThoseOfTaxiTrips() {
    double[] distances = rows.stream().mapToDouble(r -> Double.parseDouble(r[col("trip_distance")]))
        .filter(d -> d > 0).sorted().toArray();
    double median = distances[distances.length / 2];
    assertThat(median).isBetween(1.4, 2.6);
    assertThat(distances[(int) (distances.length * 0.99)]).isBetween(8.0, 30.0);

    long single = rows.stream().filter(r -> r[col("passenger_count")].equals("1")).count();
    assertThat((double) single / rows.size()).isBetween(0.75, 0.88);

    int[] perHour = new int[24];
    double[] rushMph = new double[2];
    double[] nightMph = new double[2];
    for (String[] r : rows) {
      LocalDateTime pu = LocalDateTime.parse(r[col("lpep_pickup_datetime")], TLC);
      LocalDateTime dropoff = LocalDateTime.parse(r[col("lpep_dropoff_datetime")], TLC);
      perHour[pu.getHour()]++;
      double minutes = Duration.between(pu, dropoff).toSeconds() / 60.0;
      double miles = Double.parseDouble(r[col("trip_distance")]);
      if (minutes <= 0 || minutes > 120 || miles <= 0) {
        continue;
      }
      boolean weekday = pu.getDayOfWeek().getValue() <= 5;
      if (weekday && pu.getHour() >= 16 && pu.getHour() <= 18) {
        rushMph[0] += miles;
        rushMph[1] += minutes / 60;
      } else if (pu.getHour() >= 1 && pu.getHour() <= 4) {
        nightMph[0] += miles;
        nightMph[1] += minutes / 60;
      }
    }
    assertThat(perHour[18]).isGreaterThan(3 * perHour[4]);
    assertThat(rushMph[0] / rushMph[1]).isLessThan(0.75 * nightMph[0] / nightMph[1]);
  }

  @Test
  void totalIsTheSumOfItsPartsAndTipsComeWithCards() {
    String[] parts = {"fare_amount", "extra", "mta_tax", "tip_amount", "tolls_amount", "improvement_surcharge",
        "congestion_surcharge"};
    for (String[] r : rows) {
      double sum = Arrays.stream(parts).mapToDouble(p -> Double.parseDouble(r[col(p)])).sum();
      assertThat(Double.parseDouble(r[col("total_amount")])).isCloseTo(sum,
          org.assertj.core.data.Offset.offset(0.011));
      if (!r[col("payment_type")].equals("1")) {
        assertThat(r[col("tip_amount")]).isEqualTo("0.00");
      }
      assertThat(r[col("ehail_fee")]).isEmpty();
    }
  }

  @Test
  void aSmallShareOfRowsIsDirtyTheWayTheFiltersExpect() {
    long dirty = 0;
    long negative = 0;
    for (String[] r : rows) {
      LocalDateTime pu = LocalDateTime.parse(r[col("lpep_pickup_datetime")], TLC);
      LocalDateTime dropoff = LocalDateTime.parse(r[col("lpep_dropoff_datetime")], TLC);
      double minutes = Duration.between(pu, dropoff).toSeconds() / 60.0;
      double total = Double.parseDouble(r[col("total_amount")]);
      negative += total < 0 ? 1 : 0;
      if (!(total > 0 && total < 200 && minutes > 0 && minutes < 120
          && Double.parseDouble(r[col("trip_distance")]) > 0 && Integer.parseInt(r[col("passenger_count")]) > 0)) {
        dirty++;
      }
    }
    assertThat((double) dirty / rows.size()).isBetween(0.008, 0.03);
    assertThat(negative).isPositive();
  }
}
