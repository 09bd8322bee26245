/**
 * CloudWatch-style alarms: pure evaluation rules ({@code AlarmRules}), the evaluator that runs them on a short tick
 * over sliding periods, and the sinks told when a watched alarm transitions to ALARM ({@code TemporalAlarmSink}).
 */
package dev.safedeploy.platform.alarms;
