package dev.safedeploy.platform.api;

/**
 * An endpoint's shadow: the variant that gets an asynchronous copy of every request the others serve (clients only
 * ever get the serving variant's answer).
 *
 * @param variant the shadow variant, null when none
 * @param mirrored copies sent since the platform started (all endpoints)
 * @param dropped copies dropped because the mirror queue was full (all endpoints)
 */
public record Shadow(String endpoint, String variant, long mirrored, long dropped) {}
