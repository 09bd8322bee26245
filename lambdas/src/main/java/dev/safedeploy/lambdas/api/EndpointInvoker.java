package dev.safedeploy.lambdas.api;

/** Sends one request to a SageMaker endpoint; the seam that lets the handlers be tested without AWS. */
public interface EndpointInvoker {

  /**
   * @param contentType the request's media type, passed to the endpoint unchanged
   * @param accept the media type wanted back; null lets the endpoint choose
   * @param customAttributes opaque {@code X-Amzn-SageMaker-Custom-Attributes} value; null when absent
   * @param targetVariant the production variant to send to (SageMaker TargetVariant); null routes by weight
   */
  record Invocation(String endpointName, String contentType, String accept, String customAttributes, byte[] body,
      String targetVariant) {
    public Invocation(String endpointName, String contentType, String accept, String customAttributes, byte[] body) {
      this(endpointName, contentType, accept, customAttributes, body, null);
    }
  }

  /**
   * @param invokedVariant the production variant that answered (the canary's green or the live blue)
   */
  record Answer(byte[] body, String contentType, String invokedVariant, String customAttributes) {}

  /** @throws InvocationException for every failure, classified so callers can answer with the right status */
  Answer invoke(Invocation invocation);
}
