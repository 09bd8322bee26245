package dev.safedeploy.platform.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.List;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** TLC publishes Parquet since 2022: the same columns, typed (timestamps as INT64 micros, counts as doubles). */
class ParquetPreparationTest {
  private static final DateTimeFormatter TLC = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
  // the layout of the TLC's green_tripdata_2022-*.parquet files, for the columns we write
  private static final MessageType SCHEMA = MessageTypeParser.parseMessageType("""
      message schema {
        optional int64 VendorID;
        optional int64 lpep_pickup_datetime (TIMESTAMP(MICROS,false));
        optional int64 lpep_dropoff_datetime (TIMESTAMP(MICROS,false));
        optional binary store_and_fwd_flag (STRING);
        optional double RatecodeID;
        optional int64 PULocationID;
        optional double passenger_count;
        optional double trip_distance;
        optional double total_amount;
      }""");

  @TempDir Path dir;

  /** Writes the generated CSV's rows as a TLC-style Parquet file (snappy, like TLC's). */
  private Path toParquet(Path csv, Path parquet) throws Exception {
    return toParquet(csv, parquet, CompressionCodecName.SNAPPY);
  }

  private Path toParquet(Path csv, Path parquet, CompressionCodecName codec) throws Exception {
    List<String> lines = Files.readAllLines(csv);
    List<String> header = Arrays.asList(lines.get(0).split(","));
    SimpleGroupFactory groups = new SimpleGroupFactory(SCHEMA);
    try (ParquetWriter<Group> writer = ExampleParquetWriter.builder(new LocalOutputFile(parquet))
        .withType(SCHEMA).withCompressionCodec(codec).withRowGroupSize(64 * 1024L).build()) {
      for (String line : lines.subList(1, lines.size())) {
        String[] f = line.split(",", -1);
        Group g = groups.newGroup();
        g.append("VendorID", Long.parseLong(f[header.indexOf("VendorID")]));
        g.append("lpep_pickup_datetime", micros(f[header.indexOf("lpep_pickup_datetime")]));
        g.append("lpep_dropoff_datetime", micros(f[header.indexOf("lpep_dropoff_datetime")]));
        g.append("store_and_fwd_flag", f[header.indexOf("store_and_fwd_flag")]);
        g.append("RatecodeID", Double.parseDouble(f[header.indexOf("RatecodeID")]));
        g.append("PULocationID", Long.parseLong(f[header.indexOf("PULocationID")]));
        String passengers = f[header.indexOf("passenger_count")];
        if (!passengers.isEmpty()) {
          g.append("passenger_count", Double.parseDouble(passengers)); // else null, as in real TLC files
        }
        g.append("trip_distance", Double.parseDouble(f[header.indexOf("trip_distance")]));
        g.append("total_amount", Double.parseDouble(f[header.indexOf("total_amount")]));
        writer.write(g);
      }
    }
    return parquet;
  }

  private static long micros(String tlc) {
    return LocalDateTime.parse(tlc, TLC).toEpochSecond(ZoneOffset.UTC) * 1_000_000L;
  }

  @Test
  void parquetAndCsvOfTheSameTripsPrepareIdentically() throws Exception {
    Path csv = dir.resolve("trips.csv");
    TripGenerator.generate(5_000, 9, csv);
    // a row with a null passenger_count (frequent in real TLC files): filtered, not garbage
    Files.writeString(csv, DataPreparationTest.trip("2022-01-03 10:00:00", "2022-01-03 10:12:00", "", "2.00",
        "11.30") + "\n", java.nio.file.StandardOpenOption.APPEND);
    Path parquet = toParquet(csv, dir.resolve("green_tripdata_2022-01.parquet"));
    List<String> features = List.of("duration_minutes", "passenger_count", "trip_distance", "pickup_hour",
        "pickup_weekday", "PULocationID");

    PreparedData fromCsv = DataPreparation.prepare(csv, dir.resolve("csv"), features, 42);
    PreparedData fromParquet = DataPreparation.prepare(parquet, dir.resolve("parquet"), features, 42);

    assertThat(fromParquet.rowsRead()).isEqualTo(5_001);
    assertThat(fromParquet.rowsKept()).isEqualTo(fromCsv.rowsKept()).isLessThan(5_000);
    assertThat(Files.readAllLines(fromParquet.train())).isEqualTo(Files.readAllLines(fromCsv.train()));
    assertThat(Files.readAllLines(fromParquet.validation())).isEqualTo(Files.readAllLines(fromCsv.validation()));
    assertThat(Files.readAllLines(fromParquet.baseline())).isEqualTo(Files.readAllLines(fromCsv.baseline()));
  }

  @Test
  void readsTheCompressionCodecsParquetWritersUse() throws Exception {
    Path csv = dir.resolve("trips.csv");
    TripGenerator.generate(1_000, 8, csv);
    List<String> expected = Files.readAllLines(
        DataPreparation.prepare(csv, dir.resolve("csv"), DataPreparation.DEFAULT_FEATURES, 42).train());
    for (CompressionCodecName codec : List.of(CompressionCodecName.ZSTD, CompressionCodecName.GZIP,
        CompressionCodecName.UNCOMPRESSED)) {
      Path parquet = toParquet(csv, dir.resolve(codec + ".parquet"), codec);
      PreparedData p = DataPreparation.prepare(parquet, dir.resolve(codec.name()), DataPreparation.DEFAULT_FEATURES,
          42);
      assertThat(Files.readAllLines(p.train())).as(codec.name()).isEqualTo(expected);
    }
  }

  @Test
  void parquetWithoutARequiredColumnNamesIt() throws Exception {
    Path parquet = dir.resolve("no-total.parquet");
    MessageType schema = MessageTypeParser.parseMessageType("""
        message schema {
          optional int64 lpep_pickup_datetime (TIMESTAMP(MICROS,false));
          optional int64 lpep_dropoff_datetime (TIMESTAMP(MICROS,false));
          optional double passenger_count;
          optional double trip_distance;
        }""");
    try (ParquetWriter<Group> writer = ExampleParquetWriter.builder(new LocalOutputFile(parquet))
        .withType(schema).build()) {
      writer.write(new SimpleGroupFactory(schema).newGroup()
          .append("lpep_pickup_datetime", micros("2022-01-01 10:00:00"))
          .append("lpep_dropoff_datetime", micros("2022-01-01 10:10:00"))
          .append("passenger_count", 1.0).append("trip_distance", 2.0));
    }
    assertThatThrownBy(() -> DataPreparation.prepare(parquet, dir.resolve("out"), DataPreparation.DEFAULT_FEATURES,
        42)).isInstanceOfSatisfying(BadDataException.class, e -> assertThat(e.file()).isEqualTo(parquet))
        .hasMessageContaining("missing required column 'total_amount'");
  }

  @Test
  void truncatedOrFakeParquetIsBadData() throws Exception {
    Path csv = dir.resolve("trips.csv");
    TripGenerator.generate(2_000, 9, csv);
    Path parquet = toParquet(csv, dir.resolve("whole.parquet"));
    byte[] bytes = Files.readAllBytes(parquet);
    Path truncated = Files.write(dir.resolve("truncated.parquet"), Arrays.copyOf(bytes, bytes.length / 2));
    assertThatThrownBy(() -> DataPreparation.prepare(truncated, dir.resolve("out"), DataPreparation.DEFAULT_FEATURES,
        42)).isInstanceOfSatisfying(BadDataException.class, e -> assertThat(e.file()).isEqualTo(truncated))
        .hasMessageContaining("not a readable Parquet file");
    Path fake = Files.writeString(dir.resolve("fake.parquet"), "VendorID,total_amount\n1,2\n");
    assertThatThrownBy(() -> DataPreparation.prepare(fake, dir.resolve("out"), DataPreparation.DEFAULT_FEATURES, 42))
        .isInstanceOf(BadDataException.class).hasMessageContaining("fake.parquet");
  }
}
