package dev.safedeploy.platform.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.safedeploy.platform.data.BadDataException;
import dev.safedeploy.platform.data.DataPreparation;
import dev.safedeploy.platform.data.NumericCsv;
import dev.safedeploy.platform.data.PreparedData;
import dev.safedeploy.platform.data.TripGenerator;
import dev.safedeploy.workflows.pipeline.Hyperparameters;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class XgbTrainerTest {
  @TempDir static Path dir;
  static PreparedData data;
  static TrainedModel model;
  static final AtomicInteger lastRound = new AtomicInteger();

  @BeforeAll
  static void trainOnGeneratedTrips() {
    Path trips = dir.resolve("trips.csv");
    TripGenerator.generate(30_000, 7, trips);
    data = DataPreparation.prepare(trips, dir.resolve("prepared"), DataPreparation.DEFAULT_FEATURES, 42);
    model = XgbTrainer.train(data.train(), data.validation(), Hyperparameters.SEED_DEFAULTS, dir.resolve("model"),
        lastRound::set);
  }

  @Test
  void nativeLibraryLoadsOnThisPlatform() throws Exception {
    // xgboost4j ships libxgboost4j.so per OS/arch inside its jar; a DMatrix is the smallest native call
    ml.dmlc.xgboost4j.java.DMatrix m = new ml.dmlc.xgboost4j.java.DMatrix(new float[] {1f, 2f, 3f, 4f}, 2, 2,
        Float.NaN);
    try {
      assertThat(m.rowNum()).isEqualTo(2);
    } finally {
      m.dispose();
    }
  }

  @Test
  void reachesASaneValidationRmseFarBetterThanTheMean() {
    NumericCsv.Table validation = NumericCsv.read(data.validation(), false);
    double mean = 0;
    for (int r = 0; r < validation.rows(); r++) {
      mean += validation.get(r, 0);
    }
    mean /= validation.rows();
    double sq = 0;
    for (int r = 0; r < validation.rows(); r++) {
      sq += Math.pow(validation.get(r, 0) - mean, 2);
    }
    double meanRmse = Math.sqrt(sq / validation.rows());

    assertThat(model.validationRmse()).isLessThan(10.0).isLessThan(meanRmse * 0.4).isPositive();
    assertThat(model.trainRmse()).isPositive().isLessThan(meanRmse * 0.4);
    assertThat(model.featureCount()).isEqualTo(3);
    assertThat(model.rounds()).isBetween(1, 100);
    assertThat(lastRound.get()).isGreaterThanOrEqualTo(model.rounds());
  }

  @Test
  void artifactHoldsExactlyXgboostModelInJsonFormat() throws Exception {
    assertThat(model.artifact()).isEqualTo(dir.resolve("model").resolve("model.tar.gz"));
    List<String> names = new ArrayList<>();
    byte[] content = null;
    try (InputStream in = Files.newInputStream(model.artifact());
        TarArchiveInputStream tar = new TarArchiveInputStream(new GzipCompressorInputStream(in))) {
      TarArchiveEntry e;
      while ((e = tar.getNextEntry()) != null) {
        names.add(e.getName());
        content = tar.readAllBytes();
      }
    }
    assertThat(names).containsExactly("xgboost-model");
    assertThat(new String(content, 0, 20, java.nio.charset.StandardCharsets.UTF_8)).startsWith("{\"");
  }

  @Test
  void reloadedPredictorReproducesTheReportedValidationRmse() {
    NumericCsv.Table validation = NumericCsv.read(data.validation(), false);
    float[][] rows = new float[validation.rows()][3];
    for (int r = 0; r < rows.length; r++) {
      for (int c = 0; c < 3; c++) {
        rows[r][c] = validation.get(r, c + 1);
      }
    }
    try (XgbPredictor predictor = XgbPredictor.load(model.artifact())) {
      assertThat(predictor.featureCount()).isEqualTo(3);
      float[] predictions = predictor.predict(rows);
      double sq = 0;
      for (int r = 0; r < rows.length; r++) {
        sq += Math.pow(predictions[r] - validation.get(r, 0), 2);
      }
      assertThat(Math.sqrt(sq / rows.length)).isCloseTo(model.validationRmse(),
          org.assertj.core.data.Offset.offset(1e-3));
    }
  }

  @Test
  void earlyStoppingStopsAndKeepsTheBestRounds() {
    Map<String, String> hp = new HashMap<>(Hyperparameters.SEED_DEFAULTS);
    hp.put("eta", "0.9");
    hp.put("num_round", "300");
    hp.put("early_stopping_rounds", "3");
    List<Integer> rounds = new ArrayList<>();
    TrainedModel fast = XgbTrainer.train(data.train(), data.validation(), hp, dir.resolve("fast"), rounds::add);

    assertThat(rounds.get(rounds.size() - 1)).isLessThan(300);
    // it ran exactly early_stopping_rounds past the best round, and kept the best
    assertThat(rounds.get(rounds.size() - 1)).isEqualTo(fast.rounds() + 3);
    assertThat(fast.validationRmse()).isLessThan(10.0);
    try (XgbPredictor predictor = XgbPredictor.load(fast.artifact())) {
      assertThat(predictor.featureCount()).isEqualTo(3);
    }
  }

  @Test
  void refusedHyperparametersAreIllegalArguments() {
    Map<String, String> hp = new HashMap<>(Hyperparameters.SEED_DEFAULTS);
    hp.put("objective", "reg:no-such-objective");
    hp.put("num_round", "2");
    assertThatThrownBy(() -> XgbTrainer.train(data.train(), data.validation(), hp, dir.resolve("bad"), r -> {}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("reg:no-such-objective");
    Map<String, String> rounds = new HashMap<>(Hyperparameters.SEED_DEFAULTS);
    rounds.put("num_round", "zero");
    assertThatThrownBy(() -> XgbTrainer.train(data.train(), data.validation(), rounds, dir.resolve("bad"), r -> {}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("num_round");
  }

  @Test
  void malformedCsvNamesFileAndLine() throws Exception {
    Path bad = dir.resolve("bad-train.csv");
    Files.writeString(bad, "10.5,3.2,1,0.8\n12.0,4.1,1,1.1\n11.0,oops,1,0.9\n");
    assertThatThrownBy(() -> XgbTrainer.train(bad, data.validation(), Hyperparameters.SEED_DEFAULTS,
        dir.resolve("bad"), r -> {}))
        .isInstanceOfSatisfying(BadDataException.class, e -> {
          assertThat(e.file()).isEqualTo(bad);
          assertThat(e.line()).isEqualTo(3);
        })
        .hasMessageContaining("oops");
    Path narrow = dir.resolve("narrow.csv");
    Files.writeString(narrow, "10.5,3.2,1,0.8\n12.0,4.1\n");
    assertThatThrownBy(() -> XgbTrainer.train(narrow, data.validation(), Hyperparameters.SEED_DEFAULTS,
        dir.resolve("bad"), r -> {}))
        .isInstanceOfSatisfying(BadDataException.class, e -> assertThat(e.line()).isEqualTo(2));
  }
}
