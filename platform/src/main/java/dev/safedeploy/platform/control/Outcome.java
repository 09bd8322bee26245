package dev.safedeploy.platform.control;

/** A create's answer: the resource and whether this call made it or found it. */
public record Outcome<T>(T resource, boolean created) {}
