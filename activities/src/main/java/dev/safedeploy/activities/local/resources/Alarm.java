package dev.safedeploy.activities.local.resources;

/** Definition and state together, as GET /alarms/{name} answers. */
public record Alarm(AlarmDefinition definition, AlarmState state) {}
