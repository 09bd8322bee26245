package dev.safedeploy.platform.api;

/**
 * A production variant. One model server per variant serves it whatever the instance count (recorded, not
 * multiplied: on one machine more copies of the same booster buy nothing).
 *
 * @param status InService or Failed
 */
public record Variant(String name, String modelName, int weight, int instanceCount, String instanceType,
    String status, String failureReason) {

  public Variant withWeight(int w) {
    return new Variant(name, modelName, w, instanceCount, instanceType, status, failureReason);
  }

  public Variant withStatus(String s, String reason) {
    return new Variant(name, modelName, weight, instanceCount, instanceType, s, reason);
  }
}
