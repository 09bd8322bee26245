package dev.safedeploy.platform.api;

/** Definition and state together, as GET /alarms/{name} answers. */
public record Alarm(AlarmDefinition definition, AlarmState state) {}
