package dev.safedeploy.platform.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataPreparationTest {
  static final String HEADER = String.join(",", TripGenerator.COLUMNS);
  @TempDir Path dir;

  /** A TLC green row with the fields that matter; the rest plausible constants. */
  static String trip(String pickup, String dropoff, String passengers, String distance, String total) {
    return "2," + pickup + "," + dropoff + ",N,1,74,75," + passengers + "," + distance
        + ",9.5,0.5,0.5,0.00,0.00,,0.3," + total + ",2,1,0.00";
  }

  private static List<String> allSplitLines(PreparedData p) throws Exception {
    List<String> all = new ArrayList<>();
    all.addAll(Files.readAllLines(p.train()));
    all.addAll(Files.readAllLines(p.validation()));
    all.addAll(Files.readAllLines(p.test()));
    return all;
  }

  @Test
  void filtersDeriveDurationAndWriteHeaderlessTargetFirst() throws Exception {
    Path csv = dir.resolve("green.csv");
    Files.write(csv, List.of(HEADER,
        trip("2019-01-01 00:26:34", "2019-01-01 00:36:34", "1", "2.10", "12.30"), // kept: 10 min
        trip("2019-01-01 08:00:00", "2019-01-01 08:15:30", "2", "3.50", "18.80"), // kept: 15.5 min
        "", // blank lines happen in real TLC files
        trip("2019-01-01 09:00:00", "2019-01-01 09:10:00", "1", "0.00", "7.80"), // zero distance
        trip("2019-01-01 09:00:00", "2019-01-01 09:10:00", "1", "121.00", "7.80"), // distance too long
        trip("2019-01-01 09:00:00", "2019-01-01 09:10:00", "1", "2.00", "-7.80"), // refund
        trip("2019-01-01 09:00:00", "2019-01-01 09:10:00", "1", "2.00", "0.00"), // zero total
        trip("2019-01-01 09:00:00", "2019-01-01 09:10:00", "1", "2.00", "200.00"), // total too high
        trip("2019-01-01 09:00:00", "2019-01-01 09:00:00", "1", "2.00", "7.80"), // zero duration
        trip("2019-01-01 09:00:00", "2019-01-01 08:50:00", "1", "2.00", "7.80"), // negative duration
        trip("2019-01-01 09:00:00", "2019-01-01 11:00:00", "1", "2.00", "7.80"), // 120 min
        trip("2019-01-01 09:00:00", "2019-01-01 09:10:00", "0", "2.00", "7.80"), // no passengers
        trip("2019-01-01 09:00:00", "2019-01-01 09:10:00", "", "2.00", "7.80"))); // passenger_count empty

    PreparedData p = DataPreparation.prepare(csv, dir.resolve("out"), DataPreparation.DEFAULT_FEATURES, 42);

    assertThat(p.rowsRead()).isEqualTo(12);
    assertThat(p.rowsKept()).isEqualTo(2);
    assertThat(p.trainRows() + p.validationRows() + p.testRows()).isEqualTo(2);
    assertThat(allSplitLines(p)).containsExactlyInAnyOrder("12.3,10,1,2.1", "18.8,15.5,2,3.5");
    List<String> baseline = Files.readAllLines(p.baseline());
    // the seed's baseline: target first, then the features, the train split's rows exactly
    assertThat(baseline.get(0)).isEqualTo("total_amount,duration_minutes,passenger_count,trip_distance");
    assertThat(baseline).hasSize(1 + (int) p.trainRows());
    assertThat(baseline.subList(1, baseline.size())).isEqualTo(Files.readAllLines(p.train()));
    assertThat(p.features()).isEqualTo(DataPreparation.DEFAULT_FEATURES);
    assertThat(dir.resolve("out")).isDirectoryNotContaining("glob:**.tmp");
  }

  @Test
  void derivesPickupHourAndWeekdayAndRawColumnsInTheGivenOrder() throws Exception {
    Path csv = dir.resolve("green.csv");
    // 2019-01-01 was a Tuesday (weekday 1 with Monday 0); 2019-01-06 a Sunday
    Files.write(csv, List.of(HEADER,
        trip("2019-01-01 00:26:34", "2019-01-01 00:36:34", "1", "2.10", "12.30"),
        trip("2019-01-06 18:59:00", "2019-01-06 19:14:00", "3", "2.50", "15.00")));
    PreparedData p = DataPreparation.prepare(csv, dir.resolve("out"),
        List.of("trip_distance", "pickup_hour", "pickup_weekday", "PULocationID", "duration_minutes"), 1);
    assertThat(allSplitLines(p)).containsExactlyInAnyOrder("12.3,2.1,0,1,74,10", "15,2.5,18,6,74,15");
  }

  @Test
  void splitIsEightyNineteenOneAndDeterministicForTheSeed() throws Exception {
    Path csv = dir.resolve("trips.csv");
    TripGenerator.generate(40_000, 1, csv);
    PreparedData a = DataPreparation.prepare(csv, dir.resolve("a"), DataPreparation.DEFAULT_FEATURES, 42);
    PreparedData b = DataPreparation.prepare(csv, dir.resolve("b"), DataPreparation.DEFAULT_FEATURES, 42);
    PreparedData c = DataPreparation.prepare(csv, dir.resolve("c"), DataPreparation.DEFAULT_FEATURES, 43);

    assertThat(a.rowsRead()).isEqualTo(40_000);
    assertThat(a.rowsKept()).isBetween(38_800L, 39_700L); // ~1.5% dirty rows are filtered
    double kept = a.rowsKept();
    assertThat(a.trainRows() / kept).isCloseTo(0.80, within(0.01));
    assertThat(a.validationRows() / kept).isCloseTo(0.19, within(0.01));
    assertThat(a.testRows() / kept).isCloseTo(0.01, within(0.003));
    assertThat(Files.readAllLines(a.train())).hasSize((int) a.trainRows());
    assertThat(Files.readAllLines(a.train())).isEqualTo(Files.readAllLines(b.train()));
    assertThat(Files.readAllLines(a.test())).isEqualTo(Files.readAllLines(b.test()));
    assertThat(Files.readAllLines(a.train())).isNotEqualTo(Files.readAllLines(c.train()));
    assertThat(Files.readAllLines(a.train()).get(0).split(",")).hasSize(4);
  }

  @Test
  void readsGzippedCsv() throws Exception {
    Path plain = dir.resolve("trips.csv");
    Path gz = dir.resolve("trips.csv.gz");
    TripGenerator.generate(3_000, 2, plain);
    try (var out = new GZIPOutputStream(Files.newOutputStream(gz))) {
      out.write(Files.readAllBytes(plain));
    }
    PreparedData a = DataPreparation.prepare(plain, dir.resolve("a"), DataPreparation.DEFAULT_FEATURES, 42);
    PreparedData b = DataPreparation.prepare(gz, dir.resolve("b"), DataPreparation.DEFAULT_FEATURES, 42);
    assertThat(Files.readAllLines(b.train())).isEqualTo(Files.readAllLines(a.train()));
  }

  @Test
  void missingColumnNamesTheColumnFileAndLine() throws Exception {
    Path csv = dir.resolve("no-distance.csv");
    Files.write(csv, List.of(HEADER.replace("trip_distance", "distance"),
        trip("2019-01-01 00:26:34", "2019-01-01 00:36:34", "1", "2.10", "12.30")));
    assertThatThrownBy(() -> DataPreparation.prepare(csv, dir.resolve("out"), DataPreparation.DEFAULT_FEATURES, 42))
        .isInstanceOfSatisfying(BadDataException.class, e -> {
          assertThat(e.file()).isEqualTo(csv);
          assertThat(e.line()).isEqualTo(1);
        })
        .hasMessageContaining("no-distance.csv:1")
        .hasMessageContaining("missing required column 'trip_distance'");
    assertThatThrownBy(() -> DataPreparation.prepare(csv.resolveSibling("green.csv"), dir.resolve("out"),
        DataPreparation.DEFAULT_FEATURES, 42))
        .isInstanceOf(BadDataException.class).hasMessageContaining("no such file");
  }

  @Test
  void featureMissingFromTheFileIsAMissingColumn() throws Exception {
    Path csv = dir.resolve("green.csv");
    Files.write(csv, List.of(HEADER, trip("2019-01-01 00:26:34", "2019-01-01 00:36:34", "1", "2.10", "12.30")));
    assertThatThrownBy(() -> DataPreparation.prepare(csv, dir.resolve("out"), List.of("tip_percent"), 42))
        .isInstanceOf(BadDataException.class).hasMessageContaining("'tip_percent'");
  }

  @Test
  void garbageRowsBeyondTheToleranceNameTheFirstBadLine() throws Exception {
    Path csv = dir.resolve("garbage.csv");
    List<String> lines = new ArrayList<>(List.of(HEADER));
    for (int i = 0; i < 50; i++) {
      lines.add(trip("2019-01-01 00:26:34", "2019-01-01 00:36:34", "1", "2.10", "12.30"));
    }
    lines.add(trip("2019-01-01 00:26:34", "2019-01-01 00:36:34", "1", "two miles", "12.30")); // line 52
    lines.add("this,is,not,a,trip");
    Files.write(csv, lines);
    assertThatThrownBy(() -> DataPreparation.prepare(csv, dir.resolve("out"), DataPreparation.DEFAULT_FEATURES, 42))
        .isInstanceOfSatisfying(BadDataException.class, e -> assertThat(e.line()).isEqualTo(52))
        .hasMessageContaining("garbage.csv:52")
        .hasMessageContaining("'two miles'")
        .hasMessageContaining("2 of 52 rows unparsable");
    assertThat(dir.resolve("out").resolve("train.csv")).doesNotExist();
    assertThat(dir.resolve("out")).isDirectoryNotContaining("glob:**.tmp");

    Path dates = dir.resolve("dates.csv");
    Files.write(dates, List.of(HEADER, trip("01/01/2019 00:26", "2019-01-01 00:36:34", "1", "2.10", "12.30")));
    assertThatThrownBy(() -> DataPreparation.prepare(dates, dir.resolve("out"), DataPreparation.DEFAULT_FEATURES,
        42)).isInstanceOf(BadDataException.class).hasMessageContaining("dates.csv:2")
        .hasMessageContaining("not a date-time");
  }

  @Test
  void aFewGarbageRowsAreTolerated() throws Exception {
    Path csv = dir.resolve("mostly-good.csv");
    List<String> lines = new ArrayList<>(List.of(HEADER));
    for (int i = 0; i < 300; i++) {
      lines.add(trip("2019-01-01 00:26:34", "2019-01-01 00:36:34", "1", "2.10", "12.30"));
    }
    lines.add("truncated,row");
    Files.write(csv, lines);
    PreparedData p = DataPreparation.prepare(csv, dir.resolve("out"), DataPreparation.DEFAULT_FEATURES, 42);
    assertThat(p.rowsRead()).isEqualTo(301);
    assertThat(p.rowsKept()).isEqualTo(300);
  }

  @Test
  void trailingEmptyFieldsBeyondTheHeaderAreAccepted() throws Exception {
    // 2014-era green CSVs end every row with two more commas than their header has columns
    Path csv = dir.resolve("green-2014.csv");
    Files.write(csv, List.of(HEADER,
        trip("2019-01-01 00:26:34", "2019-01-01 00:36:34", "1", "2.10", "12.30") + ",,",
        trip("2019-01-01 08:00:00", "2019-01-01 08:15:30", "2", "3.50", "18.80") + ",,"));
    PreparedData p = DataPreparation.prepare(csv, dir.resolve("out"), DataPreparation.DEFAULT_FEATURES, 42);
    assertThat(allSplitLines(p)).containsExactlyInAnyOrder("12.3,10,1,2.1", "18.8,15.5,2,3.5");
    Path extra = dir.resolve("extra.csv");
    Files.write(extra, List.of(HEADER,
        trip("2019-01-01 00:26:34", "2019-01-01 00:36:34", "1", "2.10", "12.30") + ",surprise"));
    assertThatThrownBy(() -> DataPreparation.prepare(extra, dir.resolve("out"), DataPreparation.DEFAULT_FEATURES, 42))
        .isInstanceOf(BadDataException.class).hasMessageContaining("extra.csv:2")
        .hasMessageContaining("expected 20 fields, found more");
  }

  @Test
  void nothingLeftAfterTheFiltersIsBadData() throws Exception {
    Path csv = dir.resolve("refunds.csv");
    Files.write(csv, List.of(HEADER, trip("2019-01-01 00:26:34", "2019-01-01 00:36:34", "1", "2.10", "-12.30")));
    assertThatThrownBy(() -> DataPreparation.prepare(csv, dir.resolve("out"), DataPreparation.DEFAULT_FEATURES, 42))
        .isInstanceOf(BadDataException.class).hasMessageContaining("no rows left after the filters");
    Path empty = Files.writeString(dir.resolve("empty.csv"), HEADER + "\n");
    assertThatThrownBy(() -> DataPreparation.prepare(empty, dir.resolve("out"), DataPreparation.DEFAULT_FEATURES, 42))
        .isInstanceOf(BadDataException.class).hasMessageContaining("no data rows");
  }
}
