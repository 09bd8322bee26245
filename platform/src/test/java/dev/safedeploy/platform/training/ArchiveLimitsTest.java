package dev.safedeploy.platform.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.safedeploy.platform.testing.Archives;
import dev.safedeploy.platform.testing.TestModels;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** model.tar.gz is read with its sizes counted as the bytes come, not taken from its headers. */
class ArchiveLimitsTest {

  @Test
  void aModelEntryOverTheLimitIsRefusedAsItStreams(@TempDir Path dir) throws Exception {
    Path a = Archives.bomb(dir.resolve("a/model.tar.gz"), XgbTrainer.MODEL_ENTRY, 4L << 20, 4L << 20);
    assertThatThrownBy(() -> XgbPredictor.load(a, 1L << 20, 64L << 20)).isInstanceOf(ModelLoadException.class)
        .hasMessageContaining("'xgboost-model' is larger than the limit of 1048576 bytes");
  }

  @Test
  void aHeaderClaimingGigabytesDoesNotExhaustTheHeap(@TempDir Path dir) throws Exception {
    // the probe, scaled: a header of 2.2 GB, and more zeros than the limit behind it
    Path a = Archives.bomb(dir.resolve("b/model.tar.gz"), XgbTrainer.MODEL_ENTRY, 2_200_000_000L, 6L << 20);
    assertThatThrownBy(() -> XgbPredictor.load(a, 2L << 20, 64L << 20)).isInstanceOf(ModelLoadException.class)
        .hasMessageContaining("larger than the limit");
  }

  @Test
  void otherEntriesCountTowardTheUnpackedLimit(@TempDir Path dir) throws Exception {
    Path a = Archives.bomb(dir.resolve("c/model.tar.gz"), "padding.bin", 8L << 20, 8L << 20);
    assertThatThrownBy(() -> XgbPredictor.load(a, 1L << 20, 4L << 20)).isInstanceOf(ModelLoadException.class)
        .hasMessageContaining("unpacks to more than 4194304 bytes");
  }

  @Test
  void aRealModelLoadsUnderTheDefaultLimits() {
    try (XgbPredictor p = XgbPredictor.load(TestModels.get().good.artifact())) {
      assertThat(p.featureCount()).isEqualTo(3);
    }
  }
}
