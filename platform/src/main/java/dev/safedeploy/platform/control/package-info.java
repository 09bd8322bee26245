/**
 * The local model platform, "SageMaker + CloudWatch on one machine": {@link
 * dev.safedeploy.platform.control.LocalPlatform} owns the state (JSON files under {@code home/state}, written
 * atomically and restored on start), runs training and processing jobs, starts a model server per variant behind the
 * router, evaluates alarms and drift schedules, and answers the JSON control API ({@code ControlApi}).
 */
package dev.safedeploy.platform.control;
