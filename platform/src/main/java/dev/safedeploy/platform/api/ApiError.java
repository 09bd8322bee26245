package dev.safedeploy.platform.api;

/**
 * The control API's error body.
 *
 * @param type BadRequest, NotFound, Conflict, CorruptState, ModelLoadFailed or Internal
 */
public record ApiError(String type, String message) {}
