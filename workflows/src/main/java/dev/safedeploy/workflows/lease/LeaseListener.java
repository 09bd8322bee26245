package dev.safedeploy.workflows.lease;

import io.temporal.workflow.SignalMethod;

/**
 * What a requester listens to: the lease workflow signals its answers under {@link #SIGNAL}. A workflow registers it
 * with {@code Workflow.registerListener}, so the lease stays out of the requester's public interface.
 */
public interface LeaseListener {

  String SIGNAL = "leaseAnswer";

  @SignalMethod(name = SIGNAL)
  void leaseAnswer(LeaseAnswer answer);
}
