package dev.safedeploy.platform.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataRootsTest {

  @Test
  void pathsOutsideTheRootsAreRefusedWithoutReadingThem(@TempDir Path dir) throws Exception {
    Path home = Files.createDirectories(dir.resolve("home"));
    Path data = Files.createDirectories(dir.resolve("data"));
    Files.writeString(data.resolve("train.csv"), "1,2,3\n");
    DataRoots roots = new DataRoots(home, List.of(data));
    assertThat(roots.confine("trainPath", data.resolve("train.csv").toString())).isEqualTo(data.resolve("train.csv"));
    assertThat(roots.confine("trainPath", data.resolve("train.csv").toUri().toString())).isNotNull();
    assertThat(roots.confine("trainPath", home.resolve("not/yet/there.csv").toString())).isNotNull();
    for (String bad : List.of("/etc/passwd", data + "/../home/../../etc/passwd", dir.resolve("elsewhere.csv")
        .toString())) {
      assertThatThrownBy(() -> roots.confine("trainPath", bad)).isInstanceOf(PlatformException.class)
          .hasMessageContaining("trainPath '" + bad + "' is outside the platform's data roots")
          .hasMessageNotContaining("root:")
          .extracting(e -> ((PlatformException) e).status()).isEqualTo(400);
    }
    Files.createSymbolicLink(data.resolve("sneaky.csv"), Path.of("/etc/passwd"));
    assertThatThrownBy(() -> roots.confine("trainPath", data.resolve("sneaky.csv").toString()))
        .isInstanceOf(PlatformException.class).hasMessageContaining("outside");
    assertThatThrownBy(() -> roots.confine("trainPath", "relative/train.csv")).isInstanceOf(PlatformException.class)
        .hasMessageContaining("must be an absolute path");
    assertThatThrownBy(() -> roots.confine("trainPath", " ")).isInstanceOf(PlatformException.class)
        .hasMessageContaining("trainPath is required");
  }
}
