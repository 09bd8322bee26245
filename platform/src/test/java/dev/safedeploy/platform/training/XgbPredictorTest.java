package dev.safedeploy.platform.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.safedeploy.platform.data.DataPreparation;
import dev.safedeploy.platform.data.NumericCsv;
import dev.safedeploy.platform.data.PreparedData;
import dev.safedeploy.platform.data.TripGenerator;
import dev.safedeploy.workflows.pipeline.Hyperparameters;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class XgbPredictorTest {
  @TempDir static Path dir;
  static TrainedModel model;
  static float[][] testRows;

  @BeforeAll
  static void train() {
    Path trips = dir.resolve("trips.csv");
    TripGenerator.generate(8_000, 3, trips);
    PreparedData data = DataPreparation.prepare(trips, dir.resolve("prepared"), DataPreparation.DEFAULT_FEATURES,
        42);
    Map<String, String> hp = new HashMap<>(Hyperparameters.SEED_DEFAULTS);
    hp.put("num_round", "20");
    model = XgbTrainer.train(data.train(), data.validation(), hp, dir.resolve("model"), r -> {});
    NumericCsv.Table validation = NumericCsv.read(data.validation(), false);
    testRows = new float[validation.rows()][3];
    for (int r = 0; r < testRows.length; r++) {
      for (int c = 0; c < 3; c++) {
        testRows[r][c] = validation.get(r, c + 1);
      }
    }
  }

  @Test
  void predictsOneValuePerRowAndLongerTripsCostMore() {
    try (XgbPredictor p = XgbPredictor.load(model.artifact())) {
      float[] out = p.predict(new float[][] {{5f, 1f, 1f}, {40f, 1f, 12f}});
      assertThat(out).hasSize(2);
      assertThat(out[0]).isBetween(3f, 25f);
      assertThat(out[1]).isGreaterThan(out[0] + 10f);
      assertThat(p.predict(new float[0][])).isEmpty();
    }
  }

  @Test
  void aRowOfTheWrongWidthIsAnIllegalArgument() {
    try (XgbPredictor p = XgbPredictor.load(model.artifact())) {
      assertThatThrownBy(() -> p.predict(new float[][] {{5f, 1f, 1f}, {5f, 1f, 1f, 14f}}))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("row 2 has 4 values, the model expects 3 features");
      assertThatThrownBy(() -> p.predict(new float[][] {{5f, 1f}}))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("expects 3");
    }
  }

  @Test
  void concurrentPredictionsAgreeWithSequentialOnes() throws Exception {
    try (XgbPredictor p = XgbPredictor.load(model.artifact())) {
      float[] expected = p.predict(testRows);
      ExecutorService pool = Executors.newFixedThreadPool(8);
      try {
        List<Future<Integer>> futures = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
          int offset = t;
          Callable<Integer> job = () -> {
            int checked = 0;
            for (int i = 0; i < 300; i++) {
              int r = (offset * 131 + i * 17) % testRows.length;
              int n = Math.min(1 + i % 5, testRows.length - r);
              float[][] batch = java.util.Arrays.copyOfRange(testRows, r, r + n);
              float[] got = p.predict(batch);
              for (int k = 0; k < n; k++) {
                assertThat(got[k]).isEqualTo(expected[r + k]);
                checked++;
              }
            }
            return checked;
          };
          futures.add(pool.submit(job));
        }
        int total = 0;
        for (Future<Integer> f : futures) {
          total += f.get(60, TimeUnit.SECONDS);
        }
        assertThat(total).isGreaterThan(8 * 300);
      } finally {
        pool.shutdownNow();
      }
    }
  }

  @Test
  void closedPredictorRefusesToPredict() {
    XgbPredictor p = XgbPredictor.load(model.artifact());
    p.close();
    p.close();
    assertThatThrownBy(() -> p.predict(new float[][] {{5f, 1f, 1f}})).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void missingEmptyAndNonTarArtifactsAreModelLoadExceptions() throws Exception {
    assertThatThrownBy(() -> XgbPredictor.load(dir.resolve("nope.tar.gz")))
        .isInstanceOf(ModelLoadException.class).hasMessageContaining("does not exist");
    Path empty = Files.write(dir.resolve("empty.tar.gz"), new byte[0]);
    assertThatThrownBy(() -> XgbPredictor.load(empty))
        .isInstanceOf(ModelLoadException.class).hasMessageContaining("empty.tar.gz");
    Path text = Files.writeString(dir.resolve("text.tar.gz"), "this is not an archive");
    assertThatThrownBy(() -> XgbPredictor.load(text))
        .isInstanceOf(ModelLoadException.class).hasMessageContaining("not a readable tar.gz");
    Path gzText = dir.resolve("gz-text.tar.gz");
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gzText))) {
      out.write("gzip, but no tar inside".getBytes(StandardCharsets.UTF_8));
    }
    assertThatThrownBy(() -> XgbPredictor.load(gzText)).isInstanceOf(ModelLoadException.class);
  }

  @Test
  void truncatedArtifactIsAModelLoadException() throws Exception {
    byte[] whole = Files.readAllBytes(model.artifact());
    Path truncated = Files.write(dir.resolve("truncated.tar.gz"),
        java.util.Arrays.copyOf(whole, whole.length / 2));
    assertThatThrownBy(() -> XgbPredictor.load(truncated)).isInstanceOf(ModelLoadException.class)
        .hasMessageContaining("truncated.tar.gz");
  }

  @Test
  void tarWithoutModelOrWithACorruptModelIsAModelLoadException() throws Exception {
    Path other = tar("other.tar.gz", "model.json", "{}".getBytes(StandardCharsets.UTF_8));
    assertThatThrownBy(() -> XgbPredictor.load(other)).isInstanceOf(ModelLoadException.class)
        .hasMessageContaining("no 'xgboost-model' entry").hasMessageContaining("model.json");
    Path corrupt = tar("corrupt.tar.gz", "xgboost-model", "{\"learner\": garbage".getBytes(StandardCharsets.UTF_8));
    assertThatThrownBy(() -> XgbPredictor.load(corrupt)).isInstanceOf(ModelLoadException.class)
        .hasMessageContaining("not an XGBoost model");
    Path zero = tar("zero.tar.gz", "xgboost-model", new byte[0]);
    assertThatThrownBy(() -> XgbPredictor.load(zero)).isInstanceOf(ModelLoadException.class)
        .hasMessageContaining("is empty");
  }

  @Test
  void loadsSageMakerStyleEntryNames() throws Exception {
    byte[] model = XgbPredictorTest.modelBytes();
    Path dotted = tar("dotted.tar.gz", "./xgboost-model", model);
    try (XgbPredictor p = XgbPredictor.load(dotted)) {
      assertThat(p.featureCount()).isEqualTo(3);
    }
  }

  private static byte[] modelBytes() throws Exception {
    try (var in = new org.apache.commons.compress.archivers.tar.TarArchiveInputStream(
        new org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream(
            Files.newInputStream(model.artifact())))) {
      in.getNextEntry();
      return in.readAllBytes();
    }
  }

  private static Path tar(String name, String entryName, byte[] content) throws Exception {
    Path path = dir.resolve(name);
    try (TarArchiveOutputStream tar = new TarArchiveOutputStream(
        new GzipCompressorOutputStream(Files.newOutputStream(path)))) {
      TarArchiveEntry e = new TarArchiveEntry(entryName);
      e.setSize(content.length);
      tar.putArchiveEntry(e);
      tar.write(content);
      tar.closeArchiveEntry();
    }
    return path;
  }
}
