package dev.safedeploy.starter.cli;

/** A failure the CLI reports as one line on stderr with a specific exit code; never a stack trace. */
public class CliFailure extends RuntimeException {

  private final int exitCode;

  public CliFailure(int exitCode, String message) {
    super(message);
    this.exitCode = exitCode;
  }

  public CliFailure(int exitCode, String message, Throwable cause) {
    super(message, cause);
    this.exitCode = exitCode;
  }

  public int exitCode() {
    return exitCode;
  }

  public static CliFailure badArguments(String message) {
    return new CliFailure(ExitCodes.BAD_ARGUMENTS, message);
  }
}
