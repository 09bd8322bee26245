package dev.safedeploy.activities.aws.templates;

import static org.assertj.core.api.Assertions.assertThat;

import dev.safedeploy.activities.aws.MotoServerExtension;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * cfn-lint on every template in {@code templates/}: no errors and no warnings (exit code 0). Skipped with a message when
 * cfn-lint is not installed, except under CI ({@code CI=true}), where that is a failure.
 */
public class CfnLintTest {

  public static Path templatesDir() {
    Path fromModule = Path.of("..", "templates");
    return Files.isDirectory(fromModule) ? fromModule : Path.of("templates");
  }

  @TestFactory
  Stream<DynamicTest> everyTemplateIsClean() throws IOException {
    Path cfnLint = MotoServerExtension.findOnPath("cfn-lint");
    if (cfnLint == null) {
      String msg = "cfn-lint is not on the PATH (pip install cfn-lint)";
      if (MotoServerExtension.underCi()) {
        throw new IllegalStateException(msg + "; CI=true, so the template lint must not be skipped");
      }
      Assumptions.abort(msg + "; skipping the template lint (it fails instead under CI=true)");
    }
    List<Path> templates;
    try (Stream<Path> files = Files.list(templatesDir())) {
      templates = files.filter(p -> p.toString().endsWith(".yml") || p.toString().endsWith(".yaml")).sorted().toList();
    }
    assertThat(templates).as("templates in " + templatesDir().toAbsolutePath()).isNotEmpty();
    return templates.stream().map(t -> DynamicTest.dynamicTest(t.getFileName().toString(), () -> {
      Process p = new ProcessBuilder(cfnLint.toString(), t.toString()).redirectErrorStream(true).start();
      boolean done = p.waitFor(120, TimeUnit.SECONDS);
      if (!done) {
        p.destroyForcibly();
      }
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(done).as("cfn-lint finished within 120 s on " + t).isTrue();
      assertThat(p.exitValue()).as("cfn-lint " + t + ":\n" + out).isZero();
    }));
  }
}
