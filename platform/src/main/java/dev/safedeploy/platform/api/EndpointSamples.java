package dev.safedeploy.platform.api;

import java.util.Map;

/**
 * GET /endpoints/{name}/samples: per variant, the samples of [sinceMillis, untilMillis); per shadow variant, its
 * mirrored answers paired with the served ones.
 */
public record EndpointSamples(String endpoint, long sinceMillis, long untilMillis, Map<String, VariantSamples> variants,
    Map<String, PairedSamples> shadowPairs) {

  public EndpointSamples {
    variants = variants == null ? Map.of() : variants;
    shadowPairs = shadowPairs == null ? Map.of() : shadowPairs;
  }
}
