/**
 * The local adapters of the nine ports in {@code dev.safedeploy.workflows.activities}, each a thin create-or-adopt
 * layer over {@code PlatformClient}; {@code LocalBackend.activities(config)} builds them all.
 */
package dev.safedeploy.activities.local.activities;
