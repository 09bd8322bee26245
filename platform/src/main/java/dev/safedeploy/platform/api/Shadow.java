package dev.safedeploy.platform.api;

/**
 * An endpoint's shadow: the variant that gets an asynchronous copy of every request the others serve (clients only
 * ever get the serving variant's answer).
 *
 * @param variant the shadow variant, null when none
 * @param mirrored copies sent since the platform started (all endpoints)
 * @param dropped copies dropped because the mirror queue was full (all endpoints)
 * @param pairsOnly the variant's answers to the copies are kept only as pairs with the served answers, not as its
 *     own traffic (the paired canary's reference: blue answering the rows green served)
 */
public record Shadow(String endpoint, String variant, long mirrored, long dropped, boolean pairsOnly) {}
