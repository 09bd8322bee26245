package dev.safedeploy.platform.api;

import java.util.Map;

/** GET /endpoints/{name}/samples: per variant, the samples of [sinceMillis, untilMillis). */
public record EndpointSamples(String endpoint, long sinceMillis, long untilMillis, Map<String, VariantSamples> variants) {}
