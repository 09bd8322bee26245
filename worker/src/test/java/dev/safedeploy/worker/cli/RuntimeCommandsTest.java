package dev.safedeploy.worker.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.safedeploy.starter.CliRun;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The runtime commands in the one {@code safedeploy} tree, found by the root's ServiceLoader as ./safedeploy finds
 * them: listed in the root's help with their one-line summaries, their own help through the root, and their error
 * handling as it was in the worker's own CLI (failures exit 1 with the cause chain on one line; bad arguments exit 2
 * with picocli's message and suggestions or usage).
 */
class RuntimeCommandsTest {

  private static CliRun cli(String... args) {
    return CliRun.run(Map.of(), args);
  }

  @Test
  void theRootListsEveryRuntimeCommandWithItsSummary() {
    CliRun r = cli("--help");
    assertThat(r.exitCode()).isZero();
    for (String c : List.of("dev", "demo", "worker", "platform", "data", "reconcile", "teardown")) {
      assertThat(r.out()).containsPattern("(?m)^  " + c + "\\s");
    }
    assertThat(r.out()).containsPattern("(?m)^  dev\\s+Embedded Temporal server \\+ local model platform \\+ worker,")
        .contains("Exit codes:");
  }

  @Test
  void devHelpIsItsOwnThroughTheRoot() {
    CliRun r = cli("dev", "--help");
    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.out()).startsWith("Usage: safedeploy dev [-hV] [--no-worker]")
        .contains("Temporal dev server (the temporal CLI, or the embedded fallback)", "--temporal=auto|cli|embedded")
        .doesNotContain("all in one process");
  }

  @Test
  void aFailingCommandExits1WithItsCauseOnOneLine(@TempDir Path dir) {
    CliRun r = cli("data", "prepare", "--input", dir.resolve("missing.csv").toString(), "--out",
        dir.resolve("out").toString());
    assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
    assertThat(r.err()).isEqualTo("safedeploy prepare: " + dir.resolve("missing.csv") + ": no such file\n");
  }

  @Test
  void badArgumentsExit2WithPicocliSuggestionsOrUsage() {
    CliRun unknown = cli("dev", "--nope");
    assertThat(unknown.exitCode()).isEqualTo(2);
    assertThat(unknown.err()).contains("Unknown option: '--nope'", "Possible solutions: --no-worker");

    CliRun badEnum = cli("dev", "--temporal", "bogus");
    assertThat(badEnum.exitCode()).isEqualTo(2);
    assertThat(badEnum.err()).contains("Invalid value for option '--temporal'", "(case-insensitive)",
        "Usage: safedeploy dev");

    CliRun noSubcommand = cli("data");
    assertThat(noSubcommand.exitCode()).isEqualTo(2);
    assertThat(noSubcommand.err()).contains("Missing required subcommand", "Usage: safedeploy data");
  }

  @Test
  void aKeyDeletionWindowKmsRefusesIsABadArgumentBeforeAwsIsAsked() {
    // KMS takes 7 to 30 days; checked before any AWS setting is read, so this needs no account
    assertThat(cli("teardown", "taxi", "--apply", "--delete-keys", "--key-deletion-days", "3").exitCode())
        .isEqualTo(2);
    assertThat(cli("teardown", "taxi", "--key-deletion-days", "31").exitCode()).isEqualTo(2);
  }

  @Test
  void enumValuesAreCaseInsensitiveAsBefore() {
    // parsed (EMBEDDED) before the help is shown; a case-sensitive parser would exit 2
    CliRun r = cli("dev", "--temporal", "EMBEDDED", "--help");
    assertThat(r.exitCode()).as(r.toString()).isZero();
  }
}
