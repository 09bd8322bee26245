package dev.safedeploy.worker.temporal;

import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.temporal.api.workflowservice.v1.RespondWorkflowTaskCompletedRequest;

/**
 * Turns sticky execution off on the embedded server. Workers ask to get a run's next workflow task on their own
 * sticky queue; a real Temporal server re-routes that task to the normal queue when the sticky worker stops polling
 * (5 s schedule-to-start timeout, dead-poller detection), but the Java test server never does, so a worker killed or
 * restarted while a run was open would strand that run forever. Without sticky attributes every workflow task goes to
 * the normal queue, where any live worker takes it (at the cost of sending full histories, negligible here).
 */
final class NoStickyInterceptor implements ServerInterceptor {

  private static final String METHOD = "/RespondWorkflowTaskCompleted";

  @Override
  public <Q, A> ServerCall.Listener<Q> interceptCall(ServerCall<Q, A> call, Metadata headers,
      ServerCallHandler<Q, A> next) {
    ServerCall.Listener<Q> listener = next.startCall(call, headers);
    if (!call.getMethodDescriptor().getFullMethodName().endsWith(METHOD)) {
      return listener;
    }
    return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(listener) {
      @Override
      @SuppressWarnings("unchecked")
      public void onMessage(Q message) {
        if (message instanceof RespondWorkflowTaskCompletedRequest r && r.hasStickyAttributes()) {
          message = (Q) r.toBuilder().clearStickyAttributes().build();
        }
        super.onMessage(message);
      }
    };
  }
}
