/**
 * The ports: activity interfaces the pipeline workflow needs, one per concern, with their input and output records.
 * Adapters live in the activities module ({@code activities.aws.*}, {@code activities.local.*}); the workflow never
 * knows which backend it runs on.
 *
 * <p>Contract for every adapter: creates are idempotent by the deterministic name they are given (create-or-adopt), so
 * a retried activity never makes a second job, model, endpoint or variant; deletes of something already gone succeed;
 * long waits heartbeat; errors that retrying cannot fix are thrown as non-retryable {@code ApplicationFailure}s with
 * one of the types in {@link Failures}.
 */
package dev.safedeploy.workflows.activities;
