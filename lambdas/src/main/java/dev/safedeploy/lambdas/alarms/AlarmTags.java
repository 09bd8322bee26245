package dev.safedeploy.lambdas.alarms;

import java.util.Map;

/** Reads a CloudWatch alarm's tags; the seam that lets the bridge be tested without AWS. */
public interface AlarmTags {

  /**
   * @return the alarm's tags; empty when the alarm has none or no longer exists
   * @throws RuntimeException when the tags could not be read (the event is then retried)
   */
  Map<String, String> tagsOf(String alarmArn);
}
