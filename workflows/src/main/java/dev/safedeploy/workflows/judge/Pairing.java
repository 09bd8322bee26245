package dev.safedeploy.workflows.judge;

/** Which rows of a judged window were answered by both variants, so that their answers can be paired. */
public enum Pairing {
  /** None: each request was answered by one variant (no mirroring asked for, or the backend cannot mirror). */
  NONE,
  /** The shadow bake: every request blue served was copied to green, which no client hears. */
  SHADOW,
  /**
   * The paired canary: every request green served (its share of live traffic) was copied to blue after green had
   * answered, blue's answer kept only for the judge.
   */
  CANARY
}
