package dev.safedeploy.platform.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.safedeploy.platform.api.ModelRecord;
import dev.safedeploy.platform.api.ProcessingJob;
import dev.safedeploy.platform.api.TrainingJob;
import dev.safedeploy.platform.client.PlatformClient;
import dev.safedeploy.platform.client.PlatformClientException;
import dev.safedeploy.platform.testing.TestModels;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Create-or-adopt adopts only the resource asked for: another spec under a taken name is a 409, nothing adopted. */
class SpecConflictTest {

  private static final TestModels models = TestModels.get();

  private static TrainingJob training(String name, Map<String, String> hp, String train) {
    return new TrainingJob(name, "m", "v1", train, models.data.validation().toString(), hp, null, null, null, null,
        null, null, null, null);
  }

  @Test
  void aDifferentSpecUnderATakenNameIsAConflictNamingEveryDifference(@TempDir Path home) {
    try (LocalPlatform p = LocalPlatform.start(TestModels.platformConfig(home))) {
      PlatformClient c = PlatformClient.forHome(p.url(), p.home());
      String train = models.data.train().toString();
      assertThat(c.createTrainingJob(training("m-v1-train", Map.of("num_round", "5"), train)).created()).isTrue();
      // the same spec, spelt with the defaults filled in, is the same job: adopted
      assertThat(c.createTrainingJob(training("m-v1-train", Map.of("num_round", "5", "max_depth", "9"), train))
          .created()).isFalse();

      assertThatThrownBy(() -> c.createTrainingJob(training("m-v1-train", Map.of("num_round", "50", "eta", "0.3"),
          models.data.validation().toString())))
          .isInstanceOfSatisfying(PlatformClientException.class, e -> {
            assertThat(e.status()).isEqualTo(409);
            assertThat(e.getMessage()).contains("training job m-v1-train exists with a different spec")
                .contains("trainPath").contains("hyperparameters.num_round 5 (asked: 50)")
                .contains("hyperparameters.eta 0.2 (asked: 0.3)").contains("new version");
          });

      c.createModel(new ModelRecord("m-v1", models.good.artifact().toString(), "m", "v1", 1.7, null));
      assertThatThrownBy(() -> c.createModel(new ModelRecord("m-v1", models.wrongLayout.artifact().toString(), "m",
          "v1", 1.7, null)))
          .isInstanceOfSatisfying(PlatformClientException.class, e -> {
            assertThat(e.status()).isEqualTo(409);
            assertThat(e.getMessage()).contains("model m-v1 exists with a different spec: artifact");
          });
      assertThat(c.createModel(new ModelRecord("m-v1", models.good.artifact().toString(), "m", "v1", 1.7, null))
          .created()).isFalse();

      c.createProcessingJob(new ProcessingJob("m-v1-baseline", "m", "v1", models.data.train().toString(), null, null,
          null, null, null, null));
      assertThatThrownBy(() -> c.createProcessingJob(new ProcessingJob("m-v1-baseline", "m", "v1",
          models.data.test().toString(), null, null, null, null, null, null)))
          .isInstanceOfSatisfying(PlatformClientException.class, e -> assertThat(e.status()).isEqualTo(409));
      assertThat(c.inventory().at("/trainingJobs/items/m-v1-train/created").asInt()).isEqualTo(1);
    }
  }
}
