package dev.safedeploy.worker.temporal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Starting the dev server when the CLI dies early: one more try, and a failure that shows the panic. */
class TemporalDevServerStartTest {

  private static final String PANIC = "panic: listen tcp 127.0.0.1:7236: bind: address already in use";

  @TempDir Path dir;

  @Test
  void summaryShowsThePanicAndTheLastLines() {
    List<String> lines = new ArrayList<>(List.of("starting", PANIC, "", "goroutine 1 [running]:"));
    for (int i = 0; i < 100; i++) {
      lines.add("frame " + i);
    }
    String summary = TemporalDevServer.summary(lines);
    assertThat(summary).startsWith(PANIC).contains("goroutine 1").contains("...").endsWith("frame 99")
        .doesNotContain("frame 50");
    assertThat(TemporalDevServer.summary(List.of("a", "b"))).isEqualTo("a | b");
    assertThat(TemporalDevServer.summary(List.of())).isEqualTo("(it logged nothing)");
  }

  @Test
  void aCliThatPanicsOnceIsStartedAgain() throws Exception {
    Path real = RealTemporal.cli();
    Path marker = dir.resolve("panicked-once");
    Path cli = script("flaky-temporal",
        "if [ ! -e '" + marker + "' ]; then touch '" + marker + "'; echo '" + PANIC + "'; exit 2; fi\n"
            + "exec '" + real + "' \"$@\"\n");
    Path log = dir.resolve("server.log");
    try (TemporalDevServer server = TemporalDevServer.start(
        new TemporalDevServer.Options(cli, null, 0, 0, log, Duration.ofSeconds(60)))) {
      assertThat(marker).exists();
      assertThat(server.address()).startsWith("127.0.0.1:");
    }
    assertThat(Files.readString(log)).contains(PANIC);
  }

  @Test
  void aCliThatAlwaysPanicsFailsWithThePanic() throws Exception {
    Path cli = script("broken-temporal", "echo starting; echo '" + PANIC + "'; echo 'goroutine 1 [running]:'; exit 2\n");
    Path log = dir.resolve("server.log");
    assertThatThrownBy(() -> TemporalDevServer.start(
        new TemporalDevServer.Options(cli, null, 0, 0, log, Duration.ofSeconds(30))))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("exited with 2")
        .hasMessageContaining(PANIC)
        .hasMessageContaining(log.toString())
        .satisfies(e -> assertThat(e.getSuppressed()).hasSize(1));
    assertThat(Files.readAllLines(log)).filteredOn(PANIC::equals).hasSize(2);
  }

  private Path script(String name, String body) throws IOException {
    Path p = dir.resolve(name);
    Files.writeString(p, "#!/bin/sh\n" + body);
    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
    return p;
  }
}
