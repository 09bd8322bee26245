package dev.safedeploy.platform.api;

import java.time.Instant;

/**
 * A periodic drift check of the endpoint's captured data against a baseline's statistics.json; publishes
 * {@code feature_baseline_drift_<feature>} for the endpoint.
 */
public record MonitoringSchedule(String name, String endpoint, String statisticsPath, String constraintsPath,
    double intervalSeconds, Instant createdAt) {}
