package dev.safedeploy.workflows.pipeline;

import java.util.ArrayList;
import java.util.List;

/** How production traffic moves from the live ("blue") variant to the new ("green") one. */
public enum Strategy {
  /** One step: 100% to green, then the final bake. */
  ALL_AT_ONCE,
  /** canaryPercent to green for one bake, then 100%. */
  CANARY,
  /** +linearStepPercent every linearInterval until 100%. */
  LINEAR;

  /** The green variant's percentage at each traffic step; the last is always 100. */
  public List<Integer> steps(DeploymentPolicy policy) {
    List<Integer> steps = new ArrayList<>();
    switch (this) {
      case ALL_AT_ONCE -> steps.add(100);
      case CANARY -> {
        steps.add(policy.canaryPercent());
        steps.add(100);
      }
      case LINEAR -> {
        for (int p = policy.linearStepPercent(); p < 100; p += policy.linearStepPercent()) {
          steps.add(p);
        }
        steps.add(100);
      }
    }
    return steps;
  }
}
