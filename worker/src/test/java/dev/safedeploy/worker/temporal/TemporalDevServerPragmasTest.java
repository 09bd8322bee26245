package dev.safedeploy.worker.temporal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TemporalDevServerPragmasTest {

  @Test
  void defaultsToWriteAheadLog() {
    assertThat(TemporalDevServer.sqlitePragmas(null)).containsExactly("journal_mode=wal", "synchronous=normal");
  }

  @Test
  void emptyMeansSqliteDefaults() {
    assertThat(TemporalDevServer.sqlitePragmas("")).isEmpty();
    assertThat(TemporalDevServer.sqlitePragmas(" , ")).isEmpty();
  }

  @Test
  void listIsTrimmed() {
    assertThat(TemporalDevServer.sqlitePragmas(" synchronous=off , busy_timeout=5000"))
        .containsExactly("synchronous=off", "busy_timeout=5000");
  }

  @Test
  void malformedPragmaIsRefusedByName() {
    assertThatThrownBy(() -> TemporalDevServer.sqlitePragmas("journal_mode"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(TemporalDevServer.ENV_PRAGMAS).hasMessageContaining("journal_mode");
    assertThatThrownBy(() -> TemporalDevServer.sqlitePragmas("synchronous=off; drop"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void dynamicConfigIsKeyJsonValuePairsSeparatedBySemicolons() {
    assertThat(TemporalDevServer.dynamicConfig(null)).isEmpty();
    assertThat(TemporalDevServer.dynamicConfig(" ")).isEmpty();
    assertThat(TemporalDevServer.dynamicConfig(
        "matching.numTaskqueueReadPartitions=1; limit.blobSize.warn=[1,2] ;frontend.x=\"a b\""))
        .containsExactly("matching.numTaskqueueReadPartitions=1", "limit.blobSize.warn=[1,2]", "frontend.x=\"a b\"");
  }

  @Test
  void malformedDynamicConfigIsRefusedByName() {
    assertThatThrownBy(() -> TemporalDevServer.dynamicConfig("matching.numTaskqueueReadPartitions"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(TemporalDevServer.ENV_DYNAMIC_CONFIG)
        .hasMessageContaining("matching.numTaskqueueReadPartitions");
    assertThatThrownBy(() -> TemporalDevServer.dynamicConfig("=1")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> TemporalDevServer.dynamicConfig("a=1;;b=2")).isInstanceOf(IllegalArgumentException.class);
  }
}
