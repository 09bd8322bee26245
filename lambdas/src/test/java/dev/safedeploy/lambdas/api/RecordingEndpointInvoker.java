package dev.safedeploy.lambdas.api;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/** Records every invocation and answers with whatever the test scripted (an answer or a thrown failure). */
public final class RecordingEndpointInvoker implements EndpointInvoker {

  public final List<Invocation> invocations = new ArrayList<>();
  private Function<Invocation, Answer> behaviour = invocation -> {
    throw new AssertionError("unexpected invocation of " + invocation.endpointName());
  };

  public RecordingEndpointInvoker answering(Function<Invocation, Answer> behaviour) {
    this.behaviour = behaviour;
    return this;
  }

  public RecordingEndpointInvoker failingWith(RuntimeException failure) {
    this.behaviour = invocation -> {
      throw failure;
    };
    return this;
  }

  @Override
  public Answer invoke(Invocation invocation) {
    invocations.add(invocation);
    return behaviour.apply(invocation);
  }
}
