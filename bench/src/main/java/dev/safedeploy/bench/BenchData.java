package dev.safedeploy.bench;

import dev.safedeploy.platform.data.DataPreparation;
import dev.safedeploy.platform.data.PreparedData;
import dev.safedeploy.platform.data.TripGenerator;
import dev.safedeploy.workflows.pipeline.DataLocations;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Synthetic trips prepared twice: the seed's features (a good model), and with an extra feature live clients do not
 * send (a genuinely broken model: its real invocations fail on live traffic, as in the demo).
 */
public record BenchData(PreparedData good, PreparedData broken) {

  public static BenchData generate(Path dir, long trips) {
    try {
      Path raw = dir.resolve("raw/green_tripdata.csv");
      Files.createDirectories(raw.getParent());
      TripGenerator.generate(trips, DataPreparation.DEFAULT_SEED, raw);
      PreparedData good = DataPreparation.prepare(raw, dir.resolve("good"), DataPreparation.DEFAULT_FEATURES,
          DataPreparation.DEFAULT_SEED);
      List<String> skewed = new ArrayList<>(DataPreparation.DEFAULT_FEATURES);
      skewed.add("pickup_hour");
      PreparedData broken = DataPreparation.prepare(raw, dir.resolve("broken"), skewed, DataPreparation.DEFAULT_SEED);
      return new BenchData(good, broken);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prepare bench data in " + dir, e);
    }
  }

  public static DataLocations locations(PreparedData data) {
    return new DataLocations(data.train().toUri().toString(), data.validation().toUri().toString(),
        data.test().toUri().toString(), data.baseline().toUri().toString());
  }
}
