package dev.safedeploy.lambdas.hooks;

/** Invokes a Lambda function version synchronously; the seam that lets the pre-traffic hook be tested without AWS. */
public interface FunctionInvoker {

  /**
   * @return the function's response payload
   * @throws RuntimeException when the invocation fails or the function itself failed (FunctionError)
   */
  String invoke(String functionArn, String payloadJson);
}
