package dev.safedeploy.platform.testing;

import dev.safedeploy.platform.baseline.BaselineAnalyzer;
import dev.safedeploy.platform.control.PlatformConfig;
import dev.safedeploy.platform.data.DataPreparation;
import dev.safedeploy.platform.data.PreparedData;
import dev.safedeploy.platform.data.TripGenerator;
import dev.safedeploy.platform.training.TrainedModel;
import dev.safedeploy.platform.training.XgbTrainer;
import dev.safedeploy.workflows.pipeline.Hyperparameters;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Small real models, trained once per test JVM on generated trips: a good 3-feature model, a 4-feature model that
 * cannot take live 3-feature traffic (the demo's broken v2), and an artifact that does not load.
 */
public final class TestModels {
  private static TestModels instance;

  public final Path dir;
  public final PreparedData data;
  public final TrainedModel good;
  public final TrainedModel wrongLayout;
  public final Path unloadable;
  public final BaselineAnalyzer.BaselineFiles baseline;

  private TestModels(Path dir) {
    this.dir = dir;
    Path trips = dir.resolve("trips.csv");
    TripGenerator.generate(8_000, 11, trips);
    data = DataPreparation.prepare(trips, dir.resolve("prepared"), DataPreparation.DEFAULT_FEATURES, 42);
    Map<String, String> hp = Hyperparameters.withDefaults(Map.of("num_round", "20", "min_child_weight", "10"));
    good = XgbTrainer.train(data.train(), data.validation(), hp, dir.resolve("good"), r -> { });
    PreparedData four = DataPreparation.prepare(trips, dir.resolve("prepared4"),
        List.of("duration_minutes", "passenger_count", "trip_distance", "pickup_hour"), 42);
    wrongLayout = XgbTrainer.train(four.train(), four.validation(), hp, dir.resolve("wrong"), r -> { });
    unloadable = dir.resolve("broken").resolve("model.tar.gz");
    baseline = BaselineAnalyzer.analyze(data.baseline(), dir.resolve("baseline"));
    try {
      Files.createDirectories(unloadable.getParent());
      Files.writeString(unloadable, "this is not a tar.gz");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static synchronized TestModels get() {
    if (instance == null) {
      try {
        Path dir = Files.createTempDirectory("safedeploy-test-models");
        Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteQuietly(dir)));
        instance = new TestModels(dir);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return instance;
  }

  private static void deleteQuietly(Path dir) {
    try (java.util.stream.Stream<Path> walk = Files.walk(dir)) {
      walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // temp files: best effort
    }
  }

  /** A platform on home that may read these models and their data (a data root, as a user would configure). */
  public static PlatformConfig platformConfig(Path home) {
    return PlatformConfig.of(home).withDataRoots(List.of(get().dir));
  }

  /** One test row (target stripped) as CSV. */
  public String sampleRow() {
    try {
      String line = Files.readAllLines(data.test()).get(0);
      return line.substring(line.indexOf(',') + 1);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
