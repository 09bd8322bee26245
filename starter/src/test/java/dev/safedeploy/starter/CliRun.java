package dev.safedeploy.starter;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import picocli.CommandLine;

/** One CLI invocation with its stdout, stderr and exit code captured. */
public record CliRun(int exitCode, String out, String err) {

  public static CliRun run(Map<String, String> env, String... args) {
    return run(SafedeployCli.commandLine(env), args);
  }

  public static CliRun run(CommandLine cl, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    int code = cl.execute(args);
    return new CliRun(code, out.toString(), err.toString());
  }

  @Override
  public String toString() {
    return "exit " + exitCode + "\n--- out\n" + out + "--- err\n" + err;
  }
}
