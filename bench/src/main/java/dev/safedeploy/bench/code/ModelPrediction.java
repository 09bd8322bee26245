package dev.safedeploy.bench.code;

import dev.safedeploy.platform.data.DataPreparation;
import dev.safedeploy.platform.data.PreparedData;
import dev.safedeploy.platform.data.TripGenerator;
import dev.safedeploy.platform.training.TrainedModel;
import dev.safedeploy.platform.training.XgbPredictor;
import dev.safedeploy.platform.training.XgbTrainer;
import dev.safedeploy.worker.ScratchDirectory;
import dev.safedeploy.workflows.pipeline.Hyperparameters;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * One row predicted by a model of the demo's kind (trained here on generated trips with the seed's hyperparameters),
 * by each evaluator a model server can use: the Java trees and XGBoost4J's in-place prediction.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ModelPrediction {

  @Param({"JAVA_TREES", "XGBOOST4J"})
  public String evaluator;

  Path dir;
  XgbPredictor predictor;
  float[][] oneRow;

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    dir = Files.createTempDirectory("safedeploy-bench-predict");
    Path trips = dir.resolve("trips.csv");
    TripGenerator.generate(8_000, 7, trips);
    PreparedData data = DataPreparation.prepare(trips, dir.resolve("prepared"), DataPreparation.DEFAULT_FEATURES, 42);
    TrainedModel model = XgbTrainer.train(data.train(), data.validation(),
        Hyperparameters.withDefaults(Map.of("min_child_weight", "10")), dir.resolve("model"), r -> { });
    XgbPredictor.Evaluator wanted = XgbPredictor.Evaluator.valueOf(evaluator);
    predictor = XgbPredictor.load(model.artifact(), wanted);
    if (predictor.evaluator() != wanted) {
      throw new IllegalStateException("the model is predicted by " + predictor.evaluator() + ", not " + wanted);
    }
    oneRow = new float[][] {{14f, 1f, 2.35f}}; // duration_minutes, passenger_count, trip_distance
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    predictor.close();
    ScratchDirectory.wipe(dir);
  }

  @Benchmark
  public float[] predictOneRow() {
    return predictor.predict(oneRow);
  }
}
