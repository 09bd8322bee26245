/**
 * The local platform's resources as they travel over its control API and rest in its state files (JSON, Jackson):
 * jobs, models, endpoints with variants, alarms, monitoring schedules. Shared by the platform and its client.
 */
package dev.safedeploy.platform.api;
