package dev.safedeploy.platform.data;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.SplittableRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The seed's preparation, from real TLC files (CSV or Parquet) or generated ones: target total_amount, features
 * (default duration_minutes, passenger_count, trip_distance), filters 0<total_amount<200, 0<duration<120,
 * 0<trip_distance<121, passenger_count>0, split 80/19/1 with the given seed.
 *
 * <p>Features are any numeric column of the file, or one of the derived {@link #DERIVED_FEATURES}:
 * {@code duration_minutes} (dropoff - pickup), {@code pickup_hour} (0-23) and {@code pickup_weekday} (0 = Monday).
 * The split draws one number per kept row from a random stream seeded with {@code seed}, so the same file and seed
 * always give the same split (the ratios are 80/19/1 up to sampling noise). baseline.csv holds the training rows,
 * target first and then the features, with a header: the data the model learned from.
 */
public final class DataPreparation {
  public static final List<String> DEFAULT_FEATURES = List.of("duration_minutes", "passenger_count", "trip_distance");
  public static final long DEFAULT_SEED = 42;
  public static final String TARGET = "total_amount";
  public static final List<String> DERIVED_FEATURES = List.of("duration_minutes", "pickup_hour", "pickup_weekday");

  /** Unparsable rows tolerated before the file is refused: real TLC files have a few, a wrong file has many. */
  static final double GARBAGE_TOLERANCE = 0.01;

  private static final Logger log = LoggerFactory.getLogger(DataPreparation.class);

  private DataPreparation() {}

  /** @throws BadDataException naming the file and line for missing columns or garbage rows */
  public static PreparedData prepare(Path input, Path outDir, List<String> features, long seed) {
    if (features == null || features.isEmpty()) {
      throw new IllegalArgumentException("at least one feature is needed");
    }
    if (new HashSet<>(features).size() != features.size() || features.contains(TARGET)) {
      throw new IllegalArgumentException("features must be distinct and must not include the target: " + features);
    }
    if (!Files.isRegularFile(input)) {
      throw new BadDataException(input, 0, "no such file");
    }
    long started = System.nanoTime();
    // numeric columns to read: the filter columns first, then raw features not already among them
    List<String> numeric = new ArrayList<>(List.of(TARGET, "trip_distance", "passenger_count"));
    for (String f : features) {
      if (!DERIVED_FEATURES.contains(f) && !numeric.contains(f)) {
        numeric.add(f);
      }
    }
    int[] featureSource = new int[features.size()]; // >= 0: numeric slot; -1 duration, -2 hour, -3 weekday
    for (int i = 0; i < featureSource.length; i++) {
      featureSource[i] = switch (features.get(i)) {
        case "duration_minutes" -> -1;
        case "pickup_hour" -> -2;
        case "pickup_weekday" -> -3;
        default -> numeric.indexOf(features.get(i));
      };
    }

    try {
      Files.createDirectories(outDir);
      Splitter splitter = new Splitter(outDir, features, featureSource, seed);
      try {
        try (splitter) {
          reader(input).read(input, numeric, splitter);
        }
      } catch (RuntimeException e) {
        splitter.discard();
        throw e;
      }
      if (splitter.rowsRead == 0) {
        splitter.discard();
        throw new BadDataException(input, 0, "no data rows");
      }
      if (splitter.garbage > splitter.rowsRead * GARBAGE_TOLERANCE) {
        splitter.discard();
        throw new BadDataException(input, splitter.firstGarbageLine,
            splitter.firstGarbageReason + " (" + splitter.garbage + " of " + splitter.rowsRead
                + " rows unparsable, more than " + (int) (GARBAGE_TOLERANCE * 100) + "% tolerated)");
      }
      if (splitter.kept == 0 || splitter.counts[0] == 0) {
        splitter.discard();
        throw new BadDataException(input, 0, "no rows left after the filters (0<total_amount<200, "
            + "0<duration_minutes<120, 0<trip_distance<121, passenger_count>0); " + splitter.rowsRead + " rows read");
      }
      splitter.publish();
      if (splitter.garbage > 0) {
        log.warn("{}: skipped {} unparsable rows, the first at line {}: {}", input, splitter.garbage,
            splitter.firstGarbageLine, splitter.firstGarbageReason);
      }
      PreparedData result = new PreparedData(outDir.resolve("train.csv"), outDir.resolve("validation.csv"),
          outDir.resolve("test.csv"), outDir.resolve("baseline.csv"), List.copyOf(features), splitter.rowsRead,
          splitter.kept, splitter.counts[0], splitter.counts[1], splitter.counts[2]);
      log.info("prepared {}: {} rows read, {} kept, train/validation/test {}/{}/{} in {} ms", input,
          result.rowsRead(), result.rowsKept(), result.trainRows(), result.validationRows(), result.testRows(),
          (System.nanoTime() - started) / 1_000_000);
      return result;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write to " + outDir, e);
    }
  }

  private static TripRows reader(Path input) {
    byte[] magic = new byte[4];
    int n = 0;
    try (InputStream in = Files.newInputStream(input)) {
      n = in.readNBytes(magic, 0, 4);
    } catch (IOException e) {
      throw new BadDataException(input, 0, "cannot read: " + e);
    }
    boolean parquet = n == 4 && magic[0] == 'P' && magic[1] == 'A' && magic[2] == 'R' && magic[3] == '1';
    String name = input.getFileName().toString().toLowerCase();
    if (parquet || name.endsWith(".parquet") || name.endsWith(".pq")) {
      return new ParquetTripRows();
    }
    return new CsvTripRows();
  }

  /** Filters, derives features, splits and writes; writes to temporary files that are published only on success. */
  private static final class Splitter implements TripRows.Handler, AutoCloseable {
    private static final String[] NAMES = {"train.csv", "validation.csv", "test.csv", "baseline.csv"};
    private final Path outDir;
    private final int[] featureSource;
    private final SplittableRandom random;
    private final Path[] tmp = new Path[4];
    private final OutputStream[] out = new OutputStream[4];
    private final AsciiLine line = new AsciiLine(128);
    private final AsciiLine baselineLine = new AsciiLine(128);
    final long[] counts = new long[3];
    long rowsRead;
    long kept;
    long garbage;
    long firstGarbageLine;
    String firstGarbageReason;

    Splitter(Path outDir, List<String> features, int[] featureSource, long seed) throws IOException {
      this.outDir = outDir;
      this.featureSource = featureSource;
      this.random = new SplittableRandom(seed);
      for (int i = 0; i < 4; i++) {
        tmp[i] = outDir.resolve(NAMES[i] + ".tmp");
        out[i] = new BufferedOutputStream(Files.newOutputStream(tmp[i]), 1 << 16);
      }
      // the target first, as the seed's baseline: drift of the predictions is measured against it
      out[3].write((TARGET + "," + String.join(",", features) + "\n").getBytes(StandardCharsets.US_ASCII));
    }

    @Override
    public void row(long lineNo, long pickup, long dropoff, double[] v) {
      rowsRead++;
      double total = v[0];
      double distance = v[1];
      double passengers = v[2];
      if (pickup == Long.MIN_VALUE || dropoff == Long.MIN_VALUE) {
        return;
      }
      double duration = (dropoff - pickup) / 60.0;
      // NaN (empty) values fail every comparison and so are filtered out too
      if (!(total > 0 && total < 200 && duration > 0 && duration < 120 && distance > 0 && distance < 121
          && passengers > 0)) {
        return;
      }
      AsciiLine b = line.reset();
      AsciiLine base = baselineLine.reset();
      b.decimal(total, 4);
      base.decimal(total, 4);
      for (int i = 0; i < featureSource.length; i++) {
        int s = featureSource[i];
        double f = switch (s) {
          case -1 -> duration;
          case -2 -> Math.floorMod(pickup, 86_400L) / 3_600;
          case -3 -> Math.floorMod(Math.floorDiv(pickup, 86_400L) + 3, 7); // 1970-01-01 was a Thursday
          default -> v[s];
        };
        if (f != f) {
          return; // an empty feature value: the row cannot be used for training
        }
        b.comma().decimal(f, 4);
        base.comma().decimal(f, 4);
      }
      b.newline();
      base.newline();
      double u = random.nextDouble();
      int split = u < 0.80 ? 0 : u < 0.99 ? 1 : 2;
      try {
        line.writeTo(out[split]);
        if (split == 0) {
          baselineLine.writeTo(out[3]);
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      counts[split]++;
      kept++;
    }

    @Override
    public void garbage(long lineNo, String reason) {
      rowsRead++;
      if (garbage++ == 0) {
        firstGarbageLine = lineNo;
        firstGarbageReason = reason;
      }
    }

    @Override
    public void close() throws IOException {
      for (OutputStream o : out) {
        if (o != null) {
          o.close();
        }
      }
    }

    void publish() throws IOException {
      for (int i = 0; i < 4; i++) {
        Files.move(tmp[i], outDir.resolve(NAMES[i]), StandardCopyOption.REPLACE_EXISTING,
            StandardCopyOption.ATOMIC_MOVE);
      }
    }

    void discard() throws IOException {
      for (Path p : tmp) {
        Files.deleteIfExists(p);
      }
    }
  }
}
