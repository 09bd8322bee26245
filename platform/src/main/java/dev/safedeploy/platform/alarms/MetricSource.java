package dev.safedeploy.platform.alarms;

import dev.safedeploy.platform.api.AlarmDefinition;

/** The datapoint of an alarm's metric and statistic over [fromMillis, toMillis); null when there is no data. */
@FunctionalInterface
public interface MetricSource {
  Double datapoint(AlarmDefinition alarm, long fromMillis, long toMillis);
}
