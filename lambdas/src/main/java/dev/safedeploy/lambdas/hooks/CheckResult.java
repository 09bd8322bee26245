package dev.safedeploy.lambdas.hooks;

/** The verdict of a traffic hook's check, with what was seen, for the log and the hook's return value. */
public record CheckResult(boolean passed, String detail) {

  public static CheckResult passed(String detail) {
    return new CheckResult(true, detail);
  }

  public static CheckResult failed(String detail) {
    return new CheckResult(false, detail);
  }
}
