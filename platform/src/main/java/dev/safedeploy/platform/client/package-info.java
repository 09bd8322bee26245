/** The Java client of the local platform's control API and router, used by the local activity adapters. */
package dev.safedeploy.platform.client;
