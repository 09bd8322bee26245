package dev.safedeploy.platform.api;

import java.time.Instant;
import java.util.Map;

/** @param confirmedAt taken after the router's routing table for the endpoint has switched to these weights */
public record WeightsConfirmation(String endpoint, Map<String, Integer> weights, Instant confirmedAt) {}
