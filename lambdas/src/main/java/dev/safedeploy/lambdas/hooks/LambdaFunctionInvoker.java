package dev.safedeploy.lambdas.hooks;

import java.time.Duration;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.InvocationType;
import software.amazon.awssdk.services.lambda.model.InvokeResponse;

/** {@link FunctionInvoker} over Lambda's Invoke (RequestResponse). */
public final class LambdaFunctionInvoker implements FunctionInvoker {

  private final LambdaClient client;

  public LambdaFunctionInvoker(LambdaClient client) {
    this.client = client;
  }

  public static LambdaFunctionInvoker fromEnvironment() {
    return new LambdaFunctionInvoker(LambdaClient.builder()
        // the API function may run up to its 29 s timeout, plus a cold start; the default 30 s socket timeout is
        // too close to that
        .httpClient(UrlConnectionHttpClient.builder().socketTimeout(Duration.ofSeconds(90)).build())
        .build());
  }

  @Override
  public String invoke(String functionArn, String payloadJson) {
    InvokeResponse response = client.invoke(r -> r
        .functionName(functionArn)
        .invocationType(InvocationType.REQUEST_RESPONSE)
        .payload(SdkBytes.fromUtf8String(payloadJson)));
    String payload = response.payload() == null ? "" : response.payload().asUtf8String();
    if (response.functionError() != null) {
      throw new IllegalStateException("function " + functionArn + " failed (" + response.functionError() + "): "
          + Predictions.abbreviate(payload));
    }
    return payload;
  }
}
